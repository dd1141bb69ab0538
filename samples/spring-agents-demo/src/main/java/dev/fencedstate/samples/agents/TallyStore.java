package dev.fencedstate.samples.agents;

import dev.fencedstate.spring.FencedRepository;
import dev.fencedstate.spring.FencedState;

@FencedState("agents")
public interface TallyStore extends FencedRepository<Tally> {

    default Tally countOne(String key) {
        return update(key, new Tally(0), Tally::plusOne);
    }
}
