package dev.fencedstate.spring.boot.jdbcit;

import dev.fencedstate.spring.FencedRepository;
import dev.fencedstate.spring.FencedState;
import dev.fencedstate.spring.boot.it.Task;

@FencedState("tasks")
public interface TaskStore extends FencedRepository<Task> {
}
