package dev.fencedstate.file.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * The parent's handle on one child JVM: starts {@code java -cp <this test classpath> SomeMain args...}, reads the
 * child's stdout as protocol lines, sends it commands on stdin, signals it, and always reaps it ({@link #close()}).
 * Every wait is bounded; every failure message carries the child's stderr and its last protocol lines, because an
 * assertion about a process is useless without what the process said.
 */
final class ChildJvm implements AutoCloseable {

    /** Put on the line queue when the child closes its stdout; never a real line (children print no NUL). */
    private static final String END_OF_OUTPUT = "\0end-of-output";
    private static final int STDERR_LIMIT = 32 * 1024;
    private static final int REMEMBERED_LINES = 20;

    private final String name;
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Deque<String> lastLines = new ArrayDeque<>();
    private final StringBuilder stderr = new StringBuilder();
    private final Thread stdoutPump;
    private final Thread stderrPump;
    private boolean endOfOutput;

    private ChildJvm(String name, Process process) {
        this.name = name;
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.stdoutPump = pump(name + "-stdout", process.getInputStream(), line -> {
            synchronized (lastLines) {
                lastLines.addLast(line);
                if (lastLines.size() > REMEMBERED_LINES) {
                    lastLines.removeFirst();
                }
            }
            lines.add(line);
        }, () -> lines.add(END_OF_OUTPUT));
        this.stderrPump = pump(name + "-stderr", process.getErrorStream(), line -> {
            synchronized (stderr) {
                if (stderr.length() < STDERR_LIMIT) {
                    stderr.append(line).append('\n');
                }
            }
        }, () -> { });
    }

    /** Starts {@code main} in a new JVM with the current classpath. */
    static ChildJvm start(String name, Class<?> main, String... args) {
        return start(name, Launch.PLAIN, main, args);
    }

    /** Starts {@code main} in a new JVM as {@code launch} says (another user, another mount namespace...). */
    static ChildJvm start(String name, Launch launch, Class<?> main, String... args) {
        List<String> command = new ArrayList<>(launch.prefix());
        command.addAll(List.of(javaExecutable(),
                // Short-lived children: start fast and stay small on a shared 2-core CI machine.
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-Xmx64m",
                "-cp", launch.classpath(), main.getName()));
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        if (launch.workingDirectory() != null) {
            builder.directory(launch.workingDirectory().toFile());
        }
        try {
            return new ChildJvm(name, builder.start());
        } catch (IOException e) {
            throw new AssertionError("could not start child JVM " + name + ": " + command, e);
        }
    }

    /**
     * How a child is started: a command that runs {@code java} (such as {@code setpriv} or {@code unshare}), the
     * classpath, and the working directory ({@code null}: this one).
     */
    record Launch(List<String> prefix, String classpath, @org.jspecify.annotations.Nullable Path workingDirectory) {

        static final Launch PLAIN = new Launch(List.of(), System.getProperty("java.class.path"), null);

        /** The same launch, run through {@code wrapper} first (outermost first). */
        Launch wrappedIn(List<String> wrapper) {
            List<String> all = new ArrayList<>(wrapper);
            all.addAll(prefix);
            return new Launch(List.copyOf(all), classpath, workingDirectory);
        }
    }

    /** What the child wrote to stderr so far (log lines, warnings), up to a limit. */
    String stderr() {
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    long pid() {
        return process.pid();
    }

    String name() {
        return name;
    }

    /** The next protocol line; fails if none comes within {@code timeout} or the child closed its output. */
    String nextLine(Duration timeout) {
        if (endOfOutput) {
            throw failure("expected a line, but the child had already closed its output");
        }
        String line;
        try {
            line = lines.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted while waiting for a line");
        }
        if (line == null) {
            throw failure("no line within " + timeout);
        }
        if (line.equals(END_OF_OUTPUT)) {
            endOfOutput = true;
            throw failure("expected a line, but the child closed its output");
        }
        return line;
    }

    /**
     * The next line, which must start with {@code word}; returns its space-separated fields after the word. A child
     * reports a failure by dying with a stack trace, so an unexpected line fails here with that trace.
     */
    String[] expect(String word, Duration timeout) {
        String line = nextLine(timeout);
        String[] parts = line.split(" ");
        if (!parts[0].equals(word)) {
            throw failure("expected a line '" + word + " ...' but got '" + line + "'");
        }
        return Arrays.copyOfRange(parts, 1, parts.length);
    }

    /** Sends one command line to the child's stdin. */
    void send(String command) {
        try {
            stdin.write(command + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw failure("could not send '" + command + "': " + e);
        }
    }

    /** Sends a signal with the system's {@code kill} command, e.g. {@code signal("STOP")}. */
    void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).redirectErrorStream(true)
                    .start();
            try {
                if (!kill.waitFor(10, TimeUnit.SECONDS)) {
                    throw failure("'kill -" + signal + "' did not finish within 10 s");
                }
                if (kill.exitValue() != 0) {
                    throw failure("'kill -" + signal + "' failed: "
                            + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                }
            } finally {
                kill.destroyForcibly();
            }
        } catch (IOException e) {
            throw failure("could not run 'kill -" + signal + "': " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted while sending SIG" + signal);
        }
    }

    /**
     * Waits until every thread of the child is stopped (state {@code T} in {@code /proc/<pid>/task/<tid>/stat}), so
     * that nothing the parent does next can race with a thread the signal has not reached yet. Where there is no
     * {@code /proc} this returns at once: SIGSTOP is then trusted to act before the next command is read.
     */
    void awaitStopped(Duration timeout) {
        Path tasks = Path.of("/proc", Long.toString(pid()), "task");
        if (!Files.isDirectory(tasks)) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!allThreadsStopped(tasks)) {
            if (System.nanoTime() - deadline > 0) {
                throw failure("not every thread was stopped within " + timeout + " of SIGSTOP");
            }
            LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
        }
    }

    private static boolean allThreadsStopped(Path tasks) {
        try (Stream<Path> threads = Files.list(tasks)) {
            return threads.allMatch(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    // "tid (comm) S ...": the state follows the last ')', as comm may contain spaces and parens.
                    char state = stat.charAt(stat.lastIndexOf(')') + 2);
                    return state == 'T' || state == 't';
                } catch (IOException threadGone) {
                    return true;
                }
            });
        } catch (IOException e) {
            return false;
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * SIGKILL, then waits until the child is reaped; returns its exit status. Sent through the process's
     * {@link ProcessHandle}, not {@link Process#destroyForcibly()}: that one also closes the parent's end of the
     * child's stdout, dropping lines the child wrote but the parent had not read yet; here they stay readable with
     * {@link #remainingLines}.
     */
    int killHard() {
        if (!process.toHandle().destroyForcibly() && process.isAlive()) {
            throw failure("could not send SIGKILL");
        }
        return awaitExit(Duration.ofSeconds(10));
    }

    /** Waits for the child to exit; fails if it does not within {@code timeout}. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw failure("did not exit within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted while waiting for exit");
        }
        return process.exitValue();
    }

    /** Waits for a normal exit with status 0. */
    void awaitSuccess(Duration timeout) {
        int status = awaitExit(timeout);
        if (status != 0) {
            throw failure("exited with status " + status);
        }
    }

    /** After the child exited: every line it wrote that was not read yet (a pipe keeps them after the writer dies). */
    List<String> remainingLines(Duration timeout) {
        List<String> rest = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!endOfOutput) {
            String line;
            try {
                line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure("interrupted while reading the remaining output");
            }
            if (line == null) {
                throw failure("its output did not end within " + timeout);
            }
            if (line.equals(END_OF_OUTPUT)) {
                endOfOutput = true;
            } else {
                rest.add(line);
            }
        }
        return rest;
    }

    /** An assertion failure that says which child, how it is doing, what it said last, and its stderr. */
    AssertionError failure(String problem) {
        String status = process.isAlive() ? "alive" : "exited with status " + process.exitValue();
        String recent;
        synchronized (lastLines) {
            recent = String.join("\n    ", lastLines);
        }
        String errors;
        synchronized (stderr) {
            errors = stderr.toString();
        }
        return new AssertionError("child " + name + " (pid " + pid() + ", " + status + "): " + problem
                + "\n  last stdout lines:\n    " + recent + "\n  stderr:\n" + errors);
    }

    /** Kills the child if it is still running and reaps it; safe to call more than once. */
    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // the child is gone already
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
            stdoutPump.join(TimeUnit.SECONDS.toMillis(5));
            stderrPump.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread pump(String threadName, InputStream stream, java.util.function.Consumer<String> sink,
            Runnable atEnd) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    sink.accept(line);
                }
            } catch (IOException closed) {
                // the stream closed under us: the child is gone
            } finally {
                atEnd.run();
            }
        }, threadName);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
