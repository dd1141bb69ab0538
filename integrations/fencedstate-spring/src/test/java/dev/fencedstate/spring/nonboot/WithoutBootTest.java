package dev.fencedstate.spring.nonboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fencedstate.FencedStore;
import dev.fencedstate.spring.FencedRepository;
import dev.fencedstate.spring.FencedState;
import dev.fencedstate.spring.FencedStoreSettings;
import dev.fencedstate.spring.FencedStores;
import dev.fencedstate.spring.dao.FencedWriteDataAccessException;
import dev.fencedstate.spring.repository.EnableFencedStateRepositories;
import dev.fencedstate.spring.storage.FileBackendSettings;
import dev.fencedstate.spring.storage.FileStorageProvider;
import dev.fencedstate.spring.storage.MemoryStorageProvider;
import dev.fencedstate.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** fencedstate-spring in a Spring application without Boot: an annotation, three beans, nothing else. */
class WithoutBootTest {

    /** A value of the test's repository. */
    public record Steps(List<String> steps) {
        public Steps {
            steps = List.copyOf(steps);
        }

        Steps with(String step) {
            List<String> next = new ArrayList<>(steps);
            next.add(step);
            return new Steps(next);
        }
    }

    @FencedState("plans")
    public interface StepsStore extends FencedRepository<Steps> {
    }

    @TempDir
    static Path stateDir;

    static final ManualClock CLOCK = ManualClock.create();

    @Configuration(proxyBeanMethods = false)
    @EnableFencedStateRepositories
    static class StateConfig {

        @Bean
        FencedStores fencedStores() {
            FileBackendSettings files = new FileBackendSettings();
            files.setDirectory(stateDir);
            return new FencedStores(name -> FencedStoreSettings.of(name, FileStorageProvider.BACKEND)
                    .withBackendSettings(files), List.of("plans"),
                    List.of(new FileStorageProvider(CLOCK), new MemoryStorageProvider(CLOCK)), List.of(), List.of());
        }

        @Bean
        JsonMapper jsonMapper() {
            return JsonMapper.builder().build();
        }
    }

    @Test
    @DisplayName("repositories are found under the annotated class's package, and work on the files backend")
    void repositories() throws Exception {
        try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(StateConfig.class)) {
            StepsStore plans = context.getBean(StepsStore.class);
            assertThat(context.getBean("stepsStore")).isSameAs(plans);
            assertThat(plans.update("p1", new Steps(List.of()), steps -> steps.with("design")).steps())
                    .containsExactly("design");
            FencedStore store = context.getBean(FencedStores.class).store("plans");
            assertThat(store.storage().describe()).isEqualTo("files:" + stateDir.resolve("plans").toRealPath());

            // Forty updates of one key from eight threads: all land, none conflicts (they take turns in this process).
            ExecutorService pool = Executors.newFixedThreadPool(8);
            AtomicInteger computations = new AtomicInteger();
            try {
                List<Future<Steps>> done = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    String step = "step-" + i;
                    done.add(pool.submit(() -> plans.update("p1", steps -> {
                        computations.incrementAndGet();
                        return steps.with(step);
                    })));
                }
                for (Future<Steps> future : done) {
                    future.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(plans.get("p1").orElseThrow().steps()).hasSize(41);
            assertThat(computations).hasValue(40);

            // And a zombie is fenced, as a Spring data-access exception.
            var zombie = plans.claim("p1", Duration.ofSeconds(5));
            CLOCK.advance(Duration.ofSeconds(6));
            plans.claim("p1");
            assertThatThrownBy(() -> plans.commit(zombie, new Steps(List.of("stale"))))
                    .isInstanceOf(FencedWriteDataAccessException.class);
        }
    }
}
