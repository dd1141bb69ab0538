package dev.fencedstate.file.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The child's side of the line protocol: protocol lines on stdout (one {@code println} each, flushed at once, so a
 * line the parent reads was really written before the child died), commands from the parent on stdin.
 *
 * <p>A child never outlives its test: it exits when its stdin closes (the parent is gone) and after a hard lifetime
 * limit, whatever it is doing. A child that fails prints its stack trace to stderr and exits with status 1; the
 * parent's next {@code expect} then fails with that trace.
 */
final class ChildProtocol {

    /** Exit status of a child whose parent went away. */
    static final int ORPHANED = 3;
    /** Exit status of a child that hit its lifetime limit. */
    static final int OUTLIVED = 4;

    private static final Duration MAX_LIFETIME = Duration.ofMinutes(3);

    private final BlockingQueue<String> commands = new LinkedBlockingQueue<>();

    private ChildProtocol() {
    }

    /** The body of a child's {@code main}. */
    @FunctionalInterface
    interface Body {
        void run(ChildProtocol protocol) throws Exception;
    }

    /** Runs {@code body}, then exits: 0 if it returned, 1 (stack trace on stderr) if it threw. */
    static void run(Body body) {
        ChildProtocol protocol = new ChildProtocol();
        protocol.startWatchdogs();
        int status = 0;
        try {
            body.run(protocol);
        } catch (Throwable failure) {
            failure.printStackTrace();
            status = 1;
        }
        System.out.flush();
        System.err.flush();
        System.exit(status);
    }

    /** Writes one protocol line: the words separated by single spaces. Thread-safe. */
    void emit(Object... words) {
        StringBuilder line = new StringBuilder();
        for (Object word : words) {
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }

    /** The next command line from the parent; blocks (up to the lifetime limit) until one comes. */
    String nextCommand() throws InterruptedException {
        String command = commands.poll(MAX_LIFETIME.toMillis(), TimeUnit.MILLISECONDS);
        if (command == null) {
            throw new IllegalStateException("no command from the parent within " + MAX_LIFETIME);
        }
        return command;
    }

    /** Blocks until the parent sends {@code expected} on stdin; any other command is a protocol error. */
    void await(String expected) throws InterruptedException {
        String command = commands.poll(MAX_LIFETIME.toMillis(), TimeUnit.MILLISECONDS);
        if (!expected.equals(command)) {
            throw new IllegalStateException("expected the command '" + expected + "' but got '" + command + "'");
        }
    }

    private void startWatchdogs() {
        Thread stdin = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    commands.add(line.strip());
                }
            } catch (IOException e) {
                // treated as end of input below
            }
            System.err.println("stdin closed: the parent test is gone; exiting");
            Runtime.getRuntime().halt(ORPHANED);
        }, "parent-watchdog");
        stdin.setDaemon(true);
        stdin.start();

        Thread lifetime = new Thread(() -> {
            try {
                Thread.sleep(MAX_LIFETIME.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("lived longer than " + MAX_LIFETIME + "; exiting");
            Runtime.getRuntime().halt(OUTLIVED);
        }, "lifetime-limit");
        lifetime.setDaemon(true);
        lifetime.start();
    }
}
