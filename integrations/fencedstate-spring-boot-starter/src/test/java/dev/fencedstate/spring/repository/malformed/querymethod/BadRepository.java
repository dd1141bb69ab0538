package dev.fencedstate.spring.repository.malformed.querymethod;

import dev.fencedstate.spring.FencedRepository;
import dev.fencedstate.spring.FencedState;
import dev.fencedstate.spring.repository.fixtures.Plan;
import java.util.List;

@FencedState("plans")
public interface BadRepository extends FencedRepository<Plan> {

    List<Plan> findByGoal(String goal);

    /** Redeclaring an inherited method is allowed; only the query method above is a problem. */
    @Override
    java.util.Optional<Plan> get(String key);
}
