package com.example.nonboot;

import dev.fencedstate.spring.FencedRepository;
import dev.fencedstate.spring.FencedState;

@FencedState("notes")
public interface NoteStore extends FencedRepository<Note> {
}
