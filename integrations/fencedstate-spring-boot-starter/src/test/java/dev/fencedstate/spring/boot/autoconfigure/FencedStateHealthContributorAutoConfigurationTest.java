package dev.fencedstate.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fencedstate.StorageFailureException;
import dev.fencedstate.memory.InMemoryStorage;
import dev.fencedstate.spi.StateStorage;
import dev.fencedstate.spi.StorageRead;
import dev.fencedstate.spi.StoredRecord;
import dev.fencedstate.spring.FencedStorageProvider;
import dev.fencedstate.spring.FencedStores;
import dev.fencedstate.spring.boot.actuate.FencedStoresHealthContributor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class FencedStateHealthContributorAutoConfigurationTest {

    private final ApplicationContextRunner runner = Runners.starter()
            .withUserConfiguration(FlakyBackend.class)
            .withPropertyValues("fencedstate.stores.plans.default-lease=10s", "fencedstate.stores.flaky.backend=flaky");

    private static Health health(FencedStoresHealthContributor contributor, String store) {
        return ((HealthIndicator) contributor.getContributor(store)).health();
    }

    @Test
    @DisplayName("one indicator per store: up while its backend answers, down with the error when it does not")
    void perStore() {
        runner.run(context -> {
            FencedStoresHealthContributor contributor = context.getBean(FencedStoresHealthContributor.class);
            assertThat(contributor.stream().map(HealthContributors.Entry::name)).containsExactly("flaky", "plans");
            Health plans = health(contributor, "plans");
            assertThat(plans.getStatus()).isEqualTo(Status.UP);
            assertThat(plans.getDetails()).containsEntry("backend", "memory").containsKey("backendTime");
            assertThat(health(contributor, "flaky").getStatus()).isEqualTo(Status.UP);

            context.getBean(FlakyBackend.class).failing.set(true);
            Health flaky = health(contributor, "flaky");
            assertThat(flaky.getStatus()).isEqualTo(Status.DOWN);
            assertThat(flaky.getDetails().get("error").toString()).contains("backend unreachable");
            assertThat(contributor.getContributor("nope")).isNull();

            // A store built after startup is included too.
            context.getBean(FencedStores.class).store("later");
            assertThat(contributor.stream().map(HealthContributors.Entry::name)).contains("later");
        });
    }

    @Test
    @DisplayName("management.health.fencedstate.enabled=false switches it off")
    void disabled() {
        runner.withPropertyValues("management.health.fencedstate.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(FencedStoresHealthContributor.class));
    }

    @Test
    @DisplayName("an application's own fencedstateHealthContributor bean replaces the starter's")
    void backsOff() {
        runner.withUserConfiguration(OwnContributor.class).run(context ->
                assertThat(context.getBean("fencedstateHealthContributor")).isSameAs(OwnContributor.MINE));
    }

    @Configuration(proxyBeanMethods = false)
    static class FlakyBackend implements FencedStorageProvider<Void> {
        final AtomicBoolean failing = new AtomicBoolean();

        @Override
        public String backend() {
            return "flaky";
        }

        @Override
        public Class<Void> settingsType() {
            return Void.class;
        }

        @Override
        public StateStorage open(String storeName, @Nullable Void settings) {
            InMemoryStorage memory = new InMemoryStorage();
            return new StateStorage() {
                @Override
                public StorageRead read(String key) {
                    if (failing.get()) {
                        throw new StorageFailureException(key, "backend unreachable", true, null, null);
                    }
                    return memory.read(key);
                }

                @Override
                public @Nullable StoredRecord compareAndSet(@Nullable StoredRecord expected,
                        StoredRecord replacement) {
                    return memory.compareAndSet(expected, replacement);
                }

                @Override
                public java.util.List<String> keys() {
                    return memory.keys();
                }

                @Override
                public String describe() {
                    return "flaky";
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnContributor {
        static final Object MINE = (HealthIndicator) () -> Health.up().build();

        @Bean
        Object fencedstateHealthContributor() {
            return MINE;
        }
    }
}
