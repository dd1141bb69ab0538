package dev.fencedstate.jdbc;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@link HostProcess} running in its own JVM: its stdout lines are collected as they come, and a test waits for
 * them with a bound. Closing it kills the process (if still alive) and reaps it.
 */
final class Child implements AutoCloseable {

    private static final Path LOGS = Path.of("target", "host-process-logs");

    private final String name;
    private final Process process;
    private final Writer stdin;
    private final List<String> lines = new ArrayList<>();
    /** Set (under the lines' lock) when stdout closed: the process is gone, no line will come. */
    private boolean ended;
    private final Thread reader;
    private final Path stderr;

    private Child(String name, Process process, Path stderr) {
        this.name = name;
        this.process = process;
        this.stderr = stderr;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), UTF_8);
        this.reader = new Thread(this::readLines, "stdout-of-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code java HostProcess args...} with the test classpath, pointed at {@code server}, with
     * {@code extraEnvironment} added (e.g. to preload libfaketime).
     */
    static Child start(String name, TestDatabase.Server server, Map<String, String> extraEnvironment,
            String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", classpath(), HostProcess.class.getName()));
        command.addAll(List.of(args));
        try {
            Files.createDirectories(LOGS);
            Path stderr = LOGS.resolve(name + ".stderr.log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
            builder.environment().putAll(server.environment());
            builder.environment().putAll(extraEnvironment);
            return new Child(name, builder.start(), stderr);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    private static String classpath() {
        // Surefire and Failsafe may run tests from a manifest-only jar; this property holds the real classpath.
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    long pid() {
        return process.pid();
    }

    String name() {
        return name;
    }

    /** Waits for the first line (from the start) that matches; fails with the transcript if none comes in time. */
    String await(Predicate<String> matching, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (true) {
                for (String line : lines) {
                    if (matching.test(line)) {
                        return line;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || ended) {
                    throw new AssertionError(name + ": no expected line within " + timeout + "; alive="
                            + process.isAlive() + "\n" + transcript());
                }
                TimeUnit.NANOSECONDS.timedWait(lines, left);
            }
        }
    }

    String await(String prefix, Duration timeout) throws InterruptedException {
        return await(line -> line.startsWith(prefix), timeout);
    }

    /** Waits until at least {@code count} lines match. */
    void awaitCount(Predicate<String> matching, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (lines.stream().filter(matching).count() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || ended) {
                    throw new AssertionError(name + ": fewer than " + count + " expected lines within " + timeout
                            + "\n" + transcript());
                }
                TimeUnit.NANOSECONDS.timedWait(lines, left);
            }
        }
    }

    /** Every line so far. */
    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    void send(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    /** SIGSTOP: the process stops dead, as in a long GC pause or a frozen VM. */
    void pause() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /** SIGCONT. */
    void resume() throws IOException, InterruptedException {
        signal("-CONT");
    }

    /** The process state letter from /proc (T = stopped, S = sleeping, R = running). */
    char state() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }

    /** SIGKILL, then reap. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError(name + " did not die within 30 s of SIGKILL");
        }
        reader.join(10_000);
    }

    /** Waits for the process to exit by itself and returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not exit within " + timeout + "\n" + transcript());
        }
        reader.join(10_000);
        return process.exitValue();
    }

    String transcript() {
        StringBuilder text = new StringBuilder("--- stdout of " + name + " (last lines)\n");
        List<String> all = lines();
        all.subList(Math.max(0, all.size() - 40), all.size()).forEach(line -> text.append(line).append('\n'));
        try {
            String errors = Files.exists(stderr) ? Files.readString(stderr) : "";
            text.append("--- stderr of ").append(name).append('\n')
                    .append(errors, Math.max(0, errors.length() - 4000), errors.length());
        } catch (IOException e) {
            text.append("(stderr unreadable: ").append(e).append(")\n");
        }
        return text.toString();
    }

    private void readLines() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException ignored) {
            // the process died; what it printed so far is kept
        } finally {
            synchronized (lines) {
                ended = true;
                lines.notifyAll();
            }
        }
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            kill.destroyForcibly();
            throw new AssertionError("kill " + signal + " " + pid() + " failed");
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly(); // SIGKILL ends a stopped process too
        }
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            stdin.close();
        } catch (IOException ignored) {
            // the pipe is gone with the process
        }
    }
}
