package dev.fencedstate.benchmarks;

import org.openjdk.jmh.annotations.Threads;

/** {@link PostgresCommitBenchmark} with one writer thread. */
@Threads(1)
public class PostgresSingleWriterBenchmark extends PostgresCommitBenchmark {
}
