package dev.fencedstate.samples.agents;

import dev.fencedstate.spring.boot.autoconfigure.FencedStateAutoConfiguration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * Runs the demo ({@link AgentsDemo}) once and exits with its verdict: 0 if no result was lost and the zombie was
 * fenced, 1 otherwise.
 */
@SpringBootApplication
public class AgentsDemoApplication {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Starts the application, which runs the demo, closes it, and returns the exit code. */
    public static int run(String... args) {
        SpringApplication application = new SpringApplication(AgentsDemoApplication.class);
        // A fresh state directory per run, so every run starts from empty keys; a property or argument wins.
        Path stateDirectory = freshStateDirectory();
        application.setDefaultProperties(Map.of("fencedstate.files.directory", stateDirectory.toString()));
        try {
            return SpringApplication.exit(application.run(args));
        } finally {
            deleteRecursively(stateDirectory);
        }
    }

    /** The clock of lease deadlines, which the planner moves to let a lease run out. */
    @Bean(FencedStateAutoConfiguration.CLOCK_BEAN)
    DemoClock fencedStateClock() {
        return new DemoClock();
    }

    private static Path freshStateDirectory() {
        try {
            return Files.createTempDirectory("fencedstate-agents-demo");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary state directory", e);
        }
    }

    /** Removes the temporary state directory once the stores are closed (the context is closed by then). */
    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            System.err.println("Could not delete the demo's state directory " + directory + ": " + e);
        }
    }
}
