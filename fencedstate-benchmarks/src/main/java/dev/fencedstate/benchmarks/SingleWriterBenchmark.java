package dev.fencedstate.benchmarks;

import org.openjdk.jmh.annotations.Threads;

/** {@link DurableWriteBenchmark} with one writer thread. */
@Threads(1)
public class SingleWriterBenchmark extends DurableWriteBenchmark {
}
