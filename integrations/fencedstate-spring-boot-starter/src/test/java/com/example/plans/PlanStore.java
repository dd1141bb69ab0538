package com.example.plans;

import dev.fencedstate.spring.FencedRepository;
import dev.fencedstate.spring.FencedState;

@FencedState("plans")
public interface PlanStore extends FencedRepository<Plan> {
}
