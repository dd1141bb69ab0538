package dev.fencedstate.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fencedstate.FencedStore;
import dev.fencedstate.Snapshot;
import dev.fencedstate.VersionConflictException;
import dev.fencedstate.spring.FencedStores;
import dev.fencedstate.spring.metrics.FencedStateMeters;
import dev.fencedstate.spring.metrics.FencedStateMetricNames;
import dev.fencedstate.testkit.ManualClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class FencedStateMetricsAutoConfigurationTests {

    private final ApplicationContextRunner runner = Runners.starter()
            .withPropertyValues("fencedstate.stores.plans.retry.initial-backoff=0ms",
                    "fencedstate.stores.plans.retry.max-backoff=0ms");

    private static double count(MeterRegistry registry, String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    @Test
    @DisplayName("without a MeterRegistry there are no meters")
    void noRegistry() {
        runner.run(context -> assertThat(context).hasSingleBean(FencedStores.class)
                .doesNotHaveBean(FencedStateMeters.class));
    }

    @Test
    @DisplayName("every counter and timer of a store is registered when the store is built, at zero")
    void registeredUpFront() {
        runner.withUserConfiguration(Registry.class).run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            for (String outcome : new String[] {"committed", "conflict", "fenced", "claim-held", "failed"}) {
                assertThat(count(registry, FencedStateMetricNames.COMMITS, "store", "plans", "outcome", outcome)).isZero();
                assertThat(registry.get(FencedStateMetricNames.COMMIT_LATENCY).tags("store", "plans", "outcome", outcome)
                        .timer().count()).isZero();
            }
            for (String event : new String[] {"granted", "reclaimed", "held", "renewed", "released", "revoked"}) {
                assertThat(count(registry, FencedStateMetricNames.CLAIMS, "store", "plans", "event", event)).isZero();
            }
            assertThat(count(registry, FencedStateMetricNames.RETRIES, "store", "plans")).isZero();
            assertThat(registry.get(FencedStateMetricNames.LIVE_CLAIMS).tags("store", "plans").gauge().value()).isZero();
        });
    }

    @Test
    @DisplayName("commits by outcome, retries, claim events, live claims and latency are counted per store")
    void counted() {
        runner.withUserConfiguration(Registry.class, Clock.class).run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            ManualClock clock = context.getBean(ManualClock.class);
            FencedStore store = context.getBean(FencedStores.class).store("plans");

            Snapshot base = store.read("k");
            store.commit(base, new byte[] {1});
            assertThatThrownBy(() -> store.commit(base, new byte[] {2})).isInstanceOf(VersionConflictException.class);
            AtomicBoolean interfered = new AtomicBoolean();
            store.update("k", snapshot -> {
                if (interfered.compareAndSet(false, true)) {
                    store.update("k", other -> new byte[] {3});
                }
                return new byte[] {4};
            });
            var zombie = store.claim("k", Duration.ofSeconds(5));
            assertThat(registry.get(FencedStateMetricNames.LIVE_CLAIMS).tags("store", "plans").gauge().value())
                    .isEqualTo(1);
            clock.advance(Duration.ofSeconds(6));
            assertThat(registry.get(FencedStateMetricNames.LIVE_CLAIMS).tags("store", "plans").gauge().value())
                    .isZero();
            var rescuer = store.claim("k");
            assertThatThrownBy(() -> store.commit(zombie, zombie.snapshot(), new byte[] {5}))
                    .isInstanceOf(dev.fencedstate.FencedWriteException.class);
            store.revoke("k");

            assertThat(count(registry, FencedStateMetricNames.COMMITS, "store", "plans", "outcome", "committed"))
                    .isEqualTo(3);
            assertThat(count(registry, FencedStateMetricNames.COMMITS, "store", "plans", "outcome", "conflict"))
                    .isEqualTo(2);
            assertThat(count(registry, FencedStateMetricNames.COMMITS, "store", "plans", "outcome", "fenced"))
                    .isEqualTo(1);
            assertThat(count(registry, FencedStateMetricNames.RETRIES, "store", "plans")).isEqualTo(1);
            assertThat(count(registry, FencedStateMetricNames.CLAIMS, "store", "plans", "event", "granted")).isEqualTo(1);
            assertThat(count(registry, FencedStateMetricNames.CLAIMS, "store", "plans", "event", "reclaimed"))
                    .isEqualTo(1);
            assertThat(count(registry, FencedStateMetricNames.CLAIMS, "store", "plans", "event", "revoked"))
                    .isEqualTo(1);
            assertThat(registry.get(FencedStateMetricNames.COMMIT_LATENCY).tags("store", "plans", "outcome", "committed")
                    .timer().count()).isEqualTo(3);
            assertThat(rescuer.reclaimed()).isTrue();
        });
    }

    @Test
    @DisplayName("an application's own FencedStateMeters bean replaces the starter's")
    void backsOff() {
        runner.withUserConfiguration(Registry.class, OwnMeters.class).run(context ->
                assertThat(context.getBean(FencedStateMeters.class)).isSameAs(OwnMeters.MINE));
    }

    @Configuration(proxyBeanMethods = false)
    static class Registry {
        @Bean
        SimpleMeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Clock {
        @Bean(FencedStateAutoConfiguration.CLOCK_BEAN)
        ManualClock fencedStateClock() {
            return ManualClock.create();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnMeters {
        static final FencedStateMeters MINE = new FencedStateMeters(new SimpleMeterRegistry());

        @Bean
        FencedStateMeters fencedStateMeters() {
            return MINE;
        }
    }
}
