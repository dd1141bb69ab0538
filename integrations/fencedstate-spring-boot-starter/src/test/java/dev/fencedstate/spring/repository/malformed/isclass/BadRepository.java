package dev.fencedstate.spring.repository.malformed.isclass;

import dev.fencedstate.spring.FencedState;

@FencedState("plans")
public class BadRepository {
}
