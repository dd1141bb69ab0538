package dev.fencedstate.samples.agents;

/** How many workers have finished: a counter that loses increments without fencing. */
public record Tally(int done) {

    public Tally plusOne() {
        return new Tally(done + 1);
    }
}
