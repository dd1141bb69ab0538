package dev.fencedstate.spring.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fencedstate.Claim;
import dev.fencedstate.ClaimHeldException;
import dev.fencedstate.FencedStore;
import dev.fencedstate.FencedWriteException;
import dev.fencedstate.VersionConflictException;
import dev.fencedstate.spring.FencedStores;
import dev.fencedstate.spring.Versioned;
import dev.fencedstate.spring.boot.autoconfigure.FencedStateAutoConfiguration;
import dev.fencedstate.spring.boot.autoconfigure.Runners;
import dev.fencedstate.RetriesExhaustedException;
import dev.fencedstate.micrometer.FencedStateMetricNames;
import dev.fencedstate.spring.dao.ClaimHeldDataAccessException;
import dev.fencedstate.spring.dao.FencedWriteDataAccessException;
import dev.fencedstate.spring.dao.RetriesExhaustedDataAccessException;
import dev.fencedstate.spring.dao.VersionConflictDataAccessException;
import dev.fencedstate.spring.retry.FencedStateRetryOperations;
import dev.fencedstate.spring.repository.fixtures.FixturesApplication;
import dev.fencedstate.spring.repository.fixtures.Plan;
import dev.fencedstate.spring.repository.fixtures.PlanStore;
import dev.fencedstate.spring.repository.fixtures.TallyStore;
import dev.fencedstate.testkit.ManualClock;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import org.springframework.core.retry.RetryException;
import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.dao.NonTransientDataAccessException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.dao.TransientDataAccessException;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

class FencedRepositoryTest {

    private final ApplicationContextRunner runner = Runners.starter()
            .withUserConfiguration(FixturesApplication.class, ManualClockConfig.class)
            .withPropertyValues("fencedstate.retry.initial-backoff=0ms", "fencedstate.retry.max-backoff=0ms");

    @Nested
    @DisplayName("discovery")
    class Discovery {

        @Test
        @DisplayName("every @FencedState interface in the application's packages becomes a bean named after it")
        void registered() {
            runner.run(context -> {
                assertThat(context).hasSingleBean(PlanStore.class).hasSingleBean(TallyStore.class);
                assertThat(context.getBean("planStore")).isInstanceOf(PlanStore.class);
                assertThat(context.getBean(FencedStores.class).names()).containsExactly("plans", "tallies");
                assertThat(context.getBean(PlanStore.class).storeName()).isEqualTo("plans");
                assertThat(context.getBean(PlanStore.class).toString()).startsWith("PlanStore@");
            });
        }

        @Test
        @DisplayName("a bean the application declares under the repository's name wins")
        void userBeanWins() {
            runner.withUserConfiguration(OwnPlanStore.class).run(context -> {
                assertThat(context.getBean("planStore")).isSameAs(OwnPlanStore.MINE);
                assertThat(context).hasSingleBean(TallyStore.class);
            });
        }

        @Test
        @DisplayName("fencedstate.enabled=false registers no repository")
        void disabled() {
            runner.withPropertyValues("fencedstate.enabled=false")
                    .run(context -> assertThat(context).doesNotHaveBean(PlanStore.class));
        }

        @Test
        @DisplayName("without auto-configuration packages nothing is scanned")
        void noPackages() {
            Runners.starter().run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(PlanStore.class));
        }
    }

    @Nested
    @DisplayName("typed values")
    class Values {

        @Test
        @DisplayName("update, get, read, keys and a default method work on JSON values")
        void roundTrip() {
            runner.run(context -> {
                PlanStore plans = context.getBean(PlanStore.class);
                assertThat(plans.get("p1")).isEmpty();
                assertThatThrownBy(() -> plans.update("p1", plan -> plan.withStep("x")))
                        .isInstanceOf(EmptyResultDataAccessException.class)
                        .hasMessageContaining("has no value to update. Use update(key, initial, change)");

                assertThat(plans.update("p1", Plan.of("ship"), plan -> plan.withStep("design")))
                        .isEqualTo(new Plan("ship", List.of("design")));
                assertThat(plans.addStep("p1", "build").steps()).containsExactly("design", "build");
                assertThat(plans.update("p1", plan -> plan.withStep("test")).steps())
                        .containsExactly("design", "build", "test");

                Versioned<Plan> read = plans.read("p1");
                assertThat(read.version()).isEqualTo(3);
                assertThat(read.value()).isEqualTo(plans.get("p1").orElseThrow());
                assertThat(plans.keys()).containsExactly("p1");

                TallyStore tallies = context.getBean(TallyStore.class);
                tallies.update("t", Map.of(), tally -> Map.of("done", 2));
                assertThat(tallies.get("t")).contains(Map.of("done", 2));
            });
        }

        @Test
        @DisplayName("values are written with the application's JsonMapper")
        void applicationMapper() {
            runner.withUserConfiguration(SnakeCaseMapper.class).run(context -> {
                PlanStore plans = context.getBean(PlanStore.class);
                plans.update("p1", new Plan("ship", List.of()), plan -> new Plan("ship it", plan.steps()));
                FencedStore store = context.getBean(FencedStores.class).store("plans");
                assertThat(store.read("p1").valueAsUtf8()).contains("{\"goal_text\":\"ship it\",\"steps\":[]}");
            });
        }

        @Test
        @DisplayName("a value that is not JSON of the type fails with a data-access error naming key and store")
        void undecodable() {
            runner.run(context -> {
                FencedStore store = context.getBean(FencedStores.class).store("plans");
                store.update("p1", snapshot -> "not json".getBytes(StandardCharsets.UTF_8));
                assertThatThrownBy(() -> context.getBean(PlanStore.class).get("p1"))
                        .isInstanceOf(org.springframework.dao.DataRetrievalFailureException.class)
                        .hasMessageContaining("Key 'p1' of store 'plans' holds a value that cannot be read as");
            });
        }

        @Test
        @DisplayName("delete removes the value, keeps the version moving, and reports whether there was one")
        void delete() {
            runner.run(context -> {
                PlanStore plans = context.getBean(PlanStore.class);
                plans.update("p1", Plan.of("x"), plan -> plan);
                assertThat(plans.delete("p1")).isTrue();
                assertThat(plans.delete("p1")).isFalse();
                assertThat(plans.read("p1").exists()).isFalse();
                assertThat(plans.read("p1").version()).isEqualTo(2);
            });
        }
    }

    @Nested
    @DisplayName("updates: one key's updates take turns in this process; conflicts with other processes are retried")
    class Updates {

        @Test
        @DisplayName("a second update of the key waits for the first to commit, then computes from its value: no conflict")
        void updatesTakeTurns() throws Exception {
            runner.run(context -> {
                PlanStore plans = context.getBean(PlanStore.class);
                plans.update("p1", Plan.of("turns"), plan -> plan);
                CountDownLatch firstComputing = new CountDownLatch(1);
                CountDownLatch releaseFirst = new CountDownLatch(1);
                AtomicInteger secondComputations = new AtomicInteger();
                FutureTask<Plan> first = new FutureTask<>(() -> plans.update("p1", plan -> {
                    firstComputing.countDown();
                    await(releaseFirst);
                    return plan.withStep("a");
                }));
                FutureTask<Plan> second = new FutureTask<>(() -> plans.update("p1", plan -> {
                    secondComputations.incrementAndGet();
                    return plan.withStep("b");
                }));
                Thread firstThread = new Thread(first, "first-update");
                Thread secondThread = new Thread(second, "second-update");
                try {
                    firstThread.start();
                    assertThat(firstComputing.await(30, TimeUnit.SECONDS)).isTrue();
                    secondThread.start();
                    // The in-memory backend never blocks, so a parked second updater is waiting for its turn.
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (secondThread.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    }
                    assertThat(secondThread.getState()).isEqualTo(Thread.State.TIMED_WAITING);
                    assertThat(secondComputations).hasValue(0);
                    releaseFirst.countDown();
                    assertThat(first.get(30, TimeUnit.SECONDS).steps()).containsExactly("a");
                    assertThat(second.get(30, TimeUnit.SECONDS).steps()).containsExactly("a", "b");
                } finally {
                    releaseFirst.countDown();
                    firstThread.join(30_000);
                    secondThread.join(30_000);
                }
                assertThat(secondComputations).hasValue(1);
                assertThat(context.getBean(RecordingListenerFactory.class).retries).hasValue(0);
            });
        }

        @Test
        @DisplayName("a commit by another process between read and commit is a conflict: the update recomputes from it")
        void conflictRetried() {
            runner.run(context -> {
                PlanStore plans = context.getBean(PlanStore.class);
                FencedStore otherProcess = otherProcess(context);
                plans.update("p1", Plan.of("race"), plan -> plan);
                AtomicInteger computations = new AtomicInteger();
                Plan result = plans.update("p1", plan -> {
                    if (computations.incrementAndGet() == 1) {
                        otherProcess.update("p1", snapshot -> "{\"goal\":\"race\",\"steps\":[\"other\"]}"
                                .getBytes(StandardCharsets.UTF_8));
                    }
                    return plan.withStep("mine");
                });
                assertThat(result.steps()).containsExactly("other", "mine");
                assertThat(plans.get("p1").orElseThrow().steps()).containsExactly("other", "mine");
                assertThat(computations).hasValue(2);
                assertThat(context.getBean(RecordingListenerFactory.class).retries).hasValue(1);
            });
        }

        @Test
        @DisplayName("when every attempt conflicts, the update gives up with a transient RetriesExhaustedDataAccessException")
        void exhausted() {
            runner.withPropertyValues("fencedstate.stores.plans.retry.max-attempts=3").run(context -> {
                PlanStore plans = context.getBean(PlanStore.class);
                FencedStore otherProcess = otherProcess(context);
                plans.update("p1", Plan.of("contended"), plan -> plan);
                AtomicInteger attempts = new AtomicInteger();
                assertThatThrownBy(() -> plans.update("p1", plan -> {
                    attempts.incrementAndGet();
                    // Another process lands between this attempt's read and its commit, every time.
                    otherProcess.update("p1", snapshot -> snapshot.value().orElseThrow());
                    return plan.withStep("never");
                })).isInstanceOf(RetriesExhaustedDataAccessException.class)
                        .isInstanceOf(OptimisticLockingFailureException.class)
                        .isInstanceOf(TransientDataAccessException.class)
                        .hasMessageContaining("after 3 attempts")
                        .hasCauseInstanceOf(RetriesExhaustedException.class)
                        .satisfies(e -> {
                            RetriesExhaustedDataAccessException exhausted = (RetriesExhaustedDataAccessException) e;
                            assertThat(exhausted.attempts()).isEqualTo(3);
                            assertThat(exhausted.lastConflict()).isPresent();
                        });
                assertThat(attempts).hasValue(3);
                assertThat(plans.get("p1").orElseThrow().steps()).isEmpty();
                assertThat(context.getBean(RecordingListenerFactory.class).retries).hasValue(2);
            });
        }

        @Test
        @DisplayName("the RetryOperations bean retries conflicts as configured and never a fenced write")
        void retryOperationsBean() {
            runner.withPropertyValues("fencedstate.retry.max-attempts=4").run(context -> {
                FencedStateRetryOperations retry = context.getBean(FencedStateAutoConfiguration.RETRY_OPERATIONS_BEAN,
                        FencedStateRetryOperations.class);
                AtomicInteger conflicts = new AtomicInteger();
                assertThatThrownBy(() -> retry.execute(() -> {
                    conflicts.incrementAndGet();
                    throw new VersionConflictException("k", 1, 2);
                })).isInstanceOf(RetryException.class).hasCauseInstanceOf(RetriesExhaustedException.class);
                assertThat(conflicts).hasValue(4);

                AtomicInteger translatedConflicts = new AtomicInteger();
                assertThatThrownBy(() -> retry.invoke(() -> {
                    translatedConflicts.incrementAndGet();
                    throw new VersionConflictDataAccessException(new VersionConflictException("k", 1, 2));
                })).isInstanceOf(RetriesExhaustedException.class);
                assertThat(translatedConflicts).hasValue(4);

                AtomicInteger fenced = new AtomicInteger();
                assertThatThrownBy(() -> retry.execute(() -> {
                    fenced.incrementAndGet();
                    throw new FencedWriteException("k", 1, 2);
                })).isInstanceOf(RetryException.class).hasCauseInstanceOf(FencedWriteException.class);
                assertThat(fenced).hasValue(1);

                AtomicInteger translatedFenced = new AtomicInteger();
                assertThatThrownBy(() -> retry.invoke(() -> {
                    translatedFenced.incrementAndGet();
                    throw new FencedWriteDataAccessException(new FencedWriteException("k", 1, 2));
                })).isInstanceOf(FencedWriteDataAccessException.class);
                assertThat(translatedFenced).hasValue(1);

                AtomicInteger held = new AtomicInteger();
                assertThatThrownBy(() -> retry.execute(() -> {
                    held.incrementAndGet();
                    throw new ClaimHeldException("k", "other", java.time.Instant.EPOCH);
                })).isInstanceOf(RetryException.class);
                assertThat(held).hasValue(1);

                AtomicInteger succeeding = new AtomicInteger();
                assertThat(retry.invoke(() -> {
                    if (succeeding.incrementAndGet() < 3) {
                        throw new VersionConflictException("k", 1, 2);
                    }
                    return "done";
                })).isEqualTo("done");
                assertThat(succeeding).hasValue(3);
            });
        }
    }

    @Nested
    @DisplayName("claims: a zombie is fenced, a held claim is a transient locking failure")
    class Claims {

        @Test
        @DisplayName("a writer whose expired claim was reclaimed is fenced, as a non-transient error, even though the version still matches")
        void zombieFenced() {
            runner.run(context -> {
                PlanStore plans = context.getBean(PlanStore.class);
                ManualClock clock = context.getBean(ManualClock.class);
                plans.update("p1", Plan.of("zombie"), plan -> plan);

                Claim zombie = plans.claim("p1", Duration.ofSeconds(10));
                clock.advance(Duration.ofSeconds(11)); // the zombie stalls past its lease
                Claim rescuer = plans.claim("p1");
                assertThat(rescuer.reclaimed()).isTrue();
                assertThat(plans.read("p1").version()).isEqualTo(zombie.snapshot().version());

                assertThatThrownBy(() -> plans.commit(zombie, Plan.of("stale")))
                        .isInstanceOf(FencedWriteDataAccessException.class)
                        .isInstanceOf(NonTransientDataAccessException.class)
                        .hasCauseInstanceOf(FencedWriteException.class)
                        .satisfies(e -> {
                            FencedWriteDataAccessException fenced = (FencedWriteDataAccessException) e;
                            assertThat(fenced.claimEpoch()).isEqualTo(zombie.epoch());
                            assertThat(fenced.currentEpoch()).isEqualTo(rescuer.epoch());
                        });
                assertThat(plans.get("p1")).contains(Plan.of("zombie"));

                Versioned<Plan> written = plans.commit(rescuer, Plan.of("rescued"));
                Versioned<Plan> again = plans.commit(rescuer, written, written.value().withStep("more"));
                assertThat(plans.get("p1").orElseThrow().steps()).containsExactly("more");
                plans.delete(rescuer, again);
                assertThat(plans.get("p1")).isEmpty();
                assertThat(plans.release(rescuer)).isTrue();
                assertThat(plans.release(rescuer)).isFalse();
            });
        }

        @Test
        @DisplayName("an update while another writer holds a live claim is a PessimisticLockingFailureException, not retried")
        void claimHeld() {
            runner.run(context -> {
                PlanStore plans = context.getBean(PlanStore.class);
                plans.update("p1", Plan.of("held"), plan -> plan);
                Claim claim = plans.claim("p1");
                AtomicInteger attempts = new AtomicInteger();
                assertThatThrownBy(() -> plans.update("p1", plan -> {
                    attempts.incrementAndGet();
                    return plan.withStep("blocked");
                })).isInstanceOf(ClaimHeldDataAccessException.class)
                        .isInstanceOf(PessimisticLockingFailureException.class)
                        .isInstanceOf(TransientDataAccessException.class)
                        .hasCauseInstanceOf(ClaimHeldException.class);
                assertThat(attempts).hasValue(1);
                assertThatThrownBy(() -> plans.claim("p1")).isInstanceOf(ClaimHeldDataAccessException.class);
                Claim renewed = plans.renew(claim);
                assertThat(renewed.epoch()).isEqualTo(claim.epoch());
            });
        }
    }

    @Nested
    @DisplayName("observations")
    class Observations {

        @Test
        @DisplayName("each repository write is an observation tagged with store, operation and outcome")
        void observed() {
            runner.withUserConfiguration(RecordingObservations.class).run(context -> {
                PlanStore plans = context.getBean(PlanStore.class);
                ManualClock clock = context.getBean(ManualClock.class);
                plans.update("p1", Plan.of("seen"), plan -> plan);
                Claim zombie = plans.claim("p1", Duration.ofSeconds(1));
                clock.advance(Duration.ofSeconds(2));
                plans.claim("p1");
                assertThatThrownBy(() -> plans.commit(zombie, Plan.of("late")))
                        .isInstanceOf(FencedWriteDataAccessException.class);

                List<Observation.Context> stopped = context.getBean(RecordingObservations.class).stopped;
                assertThat(stopped).extracting(Observation.Context::getName)
                        .containsOnly(FencedStateMetricNames.OPERATION_OBSERVATION);
                assertThat(stopped).extracting(c -> c.getLowCardinalityKeyValue("outcome").getValue())
                        .containsExactly("committed", "fenced");
                assertThat(stopped).extracting(c -> c.getLowCardinalityKeyValue("operation").getValue())
                        .containsExactly("update", "commit");
                assertThat(stopped.get(0).getLowCardinalityKeyValue("store").getValue()).isEqualTo("plans");
                assertThat(stopped.get(0).getContextualName()).isEqualTo("fencedstate update plans");
                assertThat(stopped.get(0).getHighCardinalityKeyValue("key").getValue()).isEqualTo("p1");
                assertThat(stopped.get(1).getError()).isInstanceOf(FencedWriteException.class);
            });
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Another process's store over the same storage: its updates do not take turns with this one's. */
    private static FencedStore otherProcess(org.springframework.context.ApplicationContext context) {
        return FencedStore.builder(context.getBean(FencedStores.class).store("plans").storage())
                .writerId("other-process").build();
    }

    @Configuration(proxyBeanMethods = false)
    static class ManualClockConfig {
        @Bean(FencedStateAutoConfiguration.CLOCK_BEAN)
        ManualClock fencedStateClock() {
            return ManualClock.create();
        }

        @Bean
        RecordingListenerFactory recordingListenerFactory() {
            return new RecordingListenerFactory();
        }
    }

    static class RecordingListenerFactory implements dev.fencedstate.spring.FencedStoreListenerFactory {
        final AtomicInteger retries = new AtomicInteger();

        @Override
        public dev.fencedstate.FencedStoreListener listenerFor(String storeName) {
            return new dev.fencedstate.FencedStoreListener() {
                @Override
                public void onRetry(String key, int failedAttempt, Duration backoff, VersionConflictException c) {
                    retries.incrementAndGet();
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnPlanStore {
        static final Object MINE = new Object();

        @Bean
        Object planStore() {
            return MINE;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class SnakeCaseMapper {
        @Bean
        JsonMapper jsonMapper() {
            return JsonMapper.builder().propertyNamingStrategy(new PropertyNamingStrategies.SnakeCaseStrategy() {
                @Override
                public String translate(String name) {
                    return "goal".equals(name) ? "goal_text" : super.translate(name);
                }
            }).build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class RecordingObservations {
        final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

        @Bean
        ObservationRegistry observationRegistry() {
            ObservationRegistry registry = ObservationRegistry.create();
            registry.observationConfig().observationHandler(new ObservationHandler<>() {
                @Override
                public void onStop(Observation.Context context) {
                    stopped.add(context);
                }

                @Override
                public boolean supportsContext(Observation.Context context) {
                    return true;
                }
            });
            return registry;
        }
    }
}
