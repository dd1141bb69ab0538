package dev.fencedstate.spring.boot.web;

import dev.fencedstate.spring.FencedRepository;
import dev.fencedstate.spring.FencedState;

@FencedState("notes")
public interface NoteStore extends FencedRepository<Note> {
}
