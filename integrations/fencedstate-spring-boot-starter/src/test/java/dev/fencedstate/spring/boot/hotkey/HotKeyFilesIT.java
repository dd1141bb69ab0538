package dev.fencedstate.spring.boot.hotkey;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link HotKeyInOneJvm} on the files backend (the default). */
@SpringBootTest(classes = HotKeyApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
                "fencedstate.retry.max-elapsed=60s"})
class HotKeyFilesIT extends HotKeyInOneJvm {

    @TempDir
    static Path stateDir;

    @DynamicPropertySource
    static void stateDirectory(DynamicPropertyRegistry registry) {
        registry.add("fencedstate.files.directory", () -> stateDir.toString());
    }
}
