package dev.fencedstate.spring.boot.hotkey;

import java.util.ArrayList;
import java.util.List;

/** A plan: the steps appended to it, in the order they landed. */
public record Plan(List<String> steps) {

    public Plan {
        steps = List.copyOf(steps);
    }

    public static Plan empty() {
        return new Plan(List.of());
    }

    public Plan withStep(String step) {
        List<String> next = new ArrayList<>(steps);
        next.add(step);
        return new Plan(next);
    }
}
