package com.example.plans;

import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class PlanController {

    private final PlanStore plans;

    public PlanController(PlanStore plans) {
        this.plans = plans;
    }

    /** Read, compute, commit; the first step creates the plan. Never loses a step, even under load. */
    @PostMapping("/plans/{id}/steps")
    public Plan addStep(@PathVariable String id, @RequestBody String step) {
        return plans.update(id, Plan.empty(), plan -> plan.withStep(step));
    }
}
