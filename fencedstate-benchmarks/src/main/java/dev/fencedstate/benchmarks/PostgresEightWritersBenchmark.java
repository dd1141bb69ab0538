package dev.fencedstate.benchmarks;

import org.openjdk.jmh.annotations.Threads;

/** {@link PostgresCommitBenchmark} with eight writer threads, each on its own key. */
@Threads(8)
public class PostgresEightWritersBenchmark extends PostgresCommitBenchmark {
}
