package dev.fencedstate.spring.repository.malformed.badstorename;

import dev.fencedstate.spring.FencedRepository;
import dev.fencedstate.spring.FencedState;
import dev.fencedstate.spring.repository.fixtures.Plan;

@FencedState("Agent Plans")
public interface BadRepository extends FencedRepository<Plan> {
}
