package dev.fencedstate.spring.repository.malformed.rawtype;

import dev.fencedstate.spring.FencedRepository;
import dev.fencedstate.spring.FencedState;

@FencedState("plans")
@SuppressWarnings("rawtypes")
public interface BadRepository extends FencedRepository {
}
