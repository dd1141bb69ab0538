package dev.fencedstate.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fencedstate.spring.FencedStores;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Start-up says, once per store, where its state lives and how it retries. */
@ExtendWith(OutputCaptureExtension.class)
class StartupLogTest {

    @TempDir
    Path stateDir;

    @Test
    @DisplayName("one INFO line per store: backend, location (directory), retry budget")
    void oneLinePerStore(CapturedOutput output) {
        Runners.starter().withPropertyValues("fencedstate.backend=files", "fencedstate.files.directory=" + stateDir,
                "fencedstate.stores.plans.default-lease=5s", "fencedstate.stores.tasks.backend=memory",
                "fencedstate.stores.tasks.retry.max-attempts=3", "fencedstate.stores.tasks.retry.max-elapsed=1500ms")
                .run(context -> {
                    assertThat(context.getBean(FencedStores.class).names()).containsExactly("plans", "tasks");
                    assertThat(output.getAll().lines().filter(line -> line.contains("fencedstate store 'plans'")))
                            .singleElement().asString().contains("INFO")
                            .contains("fencedstate store 'plans': backend files, directory "
                                    + stateDir.toRealPath().resolve("plans") + "; retry budget 10 attempts within 5 s,"
                                    + " waits from 2 ms growing x2.0 to 200 ms, jitter 0.5; writer ");
                    assertThat(output.getAll().lines().filter(line -> line.contains("fencedstate store 'tasks'")))
                            .singleElement().asString().contains("INFO")
                            .contains("fencedstate store 'tasks': backend memory, this process's memory (store "
                                    + "'tasks', lost at exit); retry budget 3 attempts within 1500 ms");
                });
    }
}
