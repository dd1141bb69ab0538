package com.example.nonboot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.core.env.MapPropertySource;

/** The README's example without Spring Boot, as printed (the starter's ReadmeSnippetsTest checks it is this file). */
class StateConfigTest {

    @Test
    void aRepositoryWithoutBoot(@TempDir Path directory) {
        try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
            context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("test",
                    Map.of("state.directory", directory.toString())));
            context.register(StateConfig.class);
            context.refresh();
            NoteStore notes = context.getBean(NoteStore.class);
            assertThat(notes.update("n1", new Note(""), note -> new Note(note.text() + "hello")).text())
                    .isEqualTo("hello");
            assertThat(directory.resolve("notes")).isDirectory();
        }
    }
}
