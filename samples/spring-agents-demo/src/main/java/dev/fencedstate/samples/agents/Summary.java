package dev.fencedstate.samples.agents;

/** The summary one worker writes under a claim, from the results on the board. */
public record Summary(String text, String author, int resultsSeen) {
}
