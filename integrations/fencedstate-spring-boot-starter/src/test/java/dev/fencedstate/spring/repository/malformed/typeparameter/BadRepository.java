package dev.fencedstate.spring.repository.malformed.typeparameter;

import dev.fencedstate.spring.FencedRepository;
import dev.fencedstate.spring.FencedState;

@FencedState("plans")
public interface BadRepository<T> extends FencedRepository<T> {
}
