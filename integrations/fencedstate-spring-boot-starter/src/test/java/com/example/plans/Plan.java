package com.example.plans;

import java.util.ArrayList;
import java.util.List;

public record Plan(List<String> steps) {

    public static Plan empty() {
        return new Plan(List.of());
    }

    public Plan withStep(String step) {
        List<String> next = new ArrayList<>(steps);
        next.add(step);
        return new Plan(next);
    }
}
