package dev.fencedstate.spring.repository.malformed.notrepository;

import dev.fencedstate.spring.FencedState;

@FencedState("plans")
public interface BadRepository {
}
