package dev.fencedstate.spring.boot.it;

import dev.fencedstate.spring.FencedRepository;
import dev.fencedstate.spring.FencedState;

@FencedState("tasks")
public interface TaskStore extends FencedRepository<Task> {
}
