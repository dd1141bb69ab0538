package dev.fencedstate.samples.agents;

import dev.fencedstate.spring.FencedRepository;
import dev.fencedstate.spring.FencedState;

@FencedState("agents")
public interface SummaryStore extends FencedRepository<Summary> {
}
