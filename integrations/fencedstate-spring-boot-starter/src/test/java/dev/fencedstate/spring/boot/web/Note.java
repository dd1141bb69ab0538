package dev.fencedstate.spring.boot.web;

import java.util.ArrayList;
import java.util.List;

/** The value the web tests' controller writes: a list of lines. */
public record Note(List<String> lines) {

    public Note {
        lines = List.copyOf(lines);
    }

    public static Note empty() {
        return new Note(List.of());
    }

    public Note with(String line) {
        List<String> next = new ArrayList<>(lines);
        next.add(line);
        return new Note(next);
    }
}
