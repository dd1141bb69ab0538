package dev.fencedstate.spring.boot.hotkey;

import dev.fencedstate.spring.FencedRepository;
import dev.fencedstate.spring.FencedState;

@FencedState("plans")
public interface PlanStore extends FencedRepository<Plan> {
}
