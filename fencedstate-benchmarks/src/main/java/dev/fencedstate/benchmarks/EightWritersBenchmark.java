package dev.fencedstate.benchmarks;

import org.openjdk.jmh.annotations.Threads;

/** {@link DurableWriteBenchmark} with eight writer threads, each on its own key (and its own naive file). */
@Threads(8)
public class EightWritersBenchmark extends DurableWriteBenchmark {
}
