package dev.fencedstate.spring.jdbcit;

import dev.fencedstate.spring.FencedRepository;
import dev.fencedstate.spring.FencedState;
import dev.fencedstate.spring.it.Task;

@FencedState("tasks")
public interface TaskStore extends FencedRepository<Task> {
}
