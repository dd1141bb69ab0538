package dev.fencedstate.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fencedstate.FencedStore;
import dev.fencedstate.Snapshot;
import dev.fencedstate.VersionConflictException;
import dev.fencedstate.micrometer.FencedStateMetricNames;
import dev.fencedstate.spring.FencedOperationObserver;
import dev.fencedstate.spring.FencedStoreListenerFactory;
import dev.fencedstate.spring.FencedStores;
import dev.fencedstate.testkit.ManualClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class FencedStateMetricsAutoConfigurationTest {

    private final ApplicationContextRunner runner = Runners.starter()
            .withPropertyValues("fencedstate.stores.plans.retry.initial-backoff=0ms",
                    "fencedstate.stores.plans.retry.max-backoff=0ms");

    private static double commits(MeterRegistry registry, String outcome) {
        return registry.get(FencedStateMetricNames.COMMITS).tags("store", "plans", "outcome", outcome).timer().count();
    }

    @Test
    @DisplayName("without a MeterRegistry there are no meters")
    void noRegistry() {
        runner.run(context -> assertThat(context).hasSingleBean(FencedStores.class)
                .doesNotHaveBean(FencedStateMetricsAutoConfiguration.METERS_BEAN));
    }

    @Test
    @DisplayName("every store of the registry gets fencedstate-micrometer's meters, registered at zero when it is built")
    void registeredUpFront() {
        runner.withUserConfiguration(Registry.class).run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            context.getBean(FencedStores.class).store("plans");
            for (String outcome : new String[] {"committed", "conflict", "fenced", "claim-held", "failed"}) {
                assertThat(commits(registry, outcome)).isZero();
            }
            for (String outcome : new String[] {"committed", "exhausted", "fenced", "claim-held", "failed"}) {
                assertThat(registry.get(FencedStateMetricNames.UPDATE_ATTEMPTS)
                        .tags("store", "plans", "outcome", outcome).summary().count()).isZero();
            }
            assertThat(registry.get(FencedStateMetricNames.LIVE_CLAIMS).tags("store", "plans").gauge().value()).isZero();
        });
    }

    @Test
    @DisplayName("commits, updates, claims and live claims are counted per store; the gauge follows fencedStateClock")
    void counted() {
        runner.withUserConfiguration(Registry.class, Clock.class).run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            ManualClock clock = context.getBean(ManualClock.class);
            FencedStore store = context.getBean(FencedStores.class).store("plans");
            FencedStore otherProcess = FencedStore.builder(store.storage()).build();

            Snapshot base = store.read("k");
            store.commit(base, new byte[] {1});
            assertThatThrownBy(() -> store.commit(base, new byte[] {2})).isInstanceOf(VersionConflictException.class);
            AtomicBoolean interfered = new AtomicBoolean();
            store.update("k", snapshot -> {
                if (interfered.compareAndSet(false, true)) {
                    otherProcess.update("k", other -> new byte[] {3});
                }
                return new byte[] {4};
            });
            var zombie = store.claim("k", Duration.ofSeconds(5));
            assertThat(registry.get(FencedStateMetricNames.LIVE_CLAIMS).tags("store", "plans").gauge().value())
                    .isEqualTo(1);
            clock.advance(Duration.ofSeconds(6));
            assertThat(registry.get(FencedStateMetricNames.LIVE_CLAIMS).tags("store", "plans").gauge().value())
                    .isZero();
            store.claim("k");
            assertThatThrownBy(() -> store.commit(zombie, zombie.snapshot(), new byte[] {5}))
                    .isInstanceOf(dev.fencedstate.FencedWriteException.class);
            store.revoke("k");

            assertThat(commits(registry, "committed")).isEqualTo(2);
            assertThat(commits(registry, "conflict")).isEqualTo(2);
            assertThat(commits(registry, "fenced")).isEqualTo(1);
            assertThat(registry.get(FencedStateMetricNames.UPDATE_ATTEMPTS).tags("store", "plans", "outcome",
                    "committed").summary().totalAmount()).isEqualTo(2);
            assertThat(registry.get(FencedStateMetricNames.CLAIMS).tags("store", "plans", "event", "granted")
                    .counter().count()).isEqualTo(1);
            assertThat(registry.get(FencedStateMetricNames.CLAIMS).tags("store", "plans", "event", "reclaimed")
                    .counter().count()).isEqualTo(1);
            assertThat(registry.get(FencedStateMetricNames.CLAIMS).tags("store", "plans", "event", "revoked")
                    .counter().count()).isEqualTo(1);
            assertThat(registry.get(FencedStateMetricNames.LIVE_CLAIMS).tags("store", "plans").gauge().value())
                    .isZero();
        });
    }

    @Test
    @DisplayName("the observation's derived meters are denied, so each fact has one meter; observations still run")
    void observationMeterFilter() {
        runner.withUserConfiguration(Registry.class).run(context -> {
            MeterFilter filter = context.getBean(FencedStateMetricsAutoConfiguration.OBSERVATION_METER_FILTER_BEAN,
                    MeterFilter.class);
            assertThat(filter.accept(new io.micrometer.core.instrument.Meter.Id(
                    FencedStateMetricNames.OPERATION_OBSERVATION, io.micrometer.core.instrument.Tags.empty(), null,
                    null, io.micrometer.core.instrument.Meter.Type.TIMER)))
                    .isEqualTo(io.micrometer.core.instrument.config.MeterFilterReply.DENY);
            assertThat(context).hasSingleBean(FencedOperationObserver.class);
        });
    }

    @Test
    @DisplayName("an application's own fencedStateMeters bean replaces the starter's")
    void backsOff() {
        runner.withUserConfiguration(Registry.class, OwnMeters.class).run(context ->
                assertThat(context.getBean(FencedStateMetricsAutoConfiguration.METERS_BEAN))
                        .isSameAs(OwnMeters.MINE));
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
        static final FencedStoreListenerFactory MINE = storeName -> dev.fencedstate.FencedStoreListener.NONE;

        @Bean(FencedStateMetricsAutoConfiguration.METERS_BEAN)
        FencedStoreListenerFactory fencedStateMeters() {
            return MINE;
        }
    }
}
