package dev.fencedstate.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fencedstate.Claim;
import dev.fencedstate.FencedStore;
import dev.fencedstate.FencedStoreListener;
import dev.fencedstate.RetryPolicy;
import dev.fencedstate.ValueTooLargeException;
import dev.fencedstate.file.FileStorage;
import dev.fencedstate.memory.InMemoryStorage;
import dev.fencedstate.spi.StateStorage;
import dev.fencedstate.spring.FencedStateConfigurationException;
import dev.fencedstate.spring.FencedStorageProvider;
import dev.fencedstate.spring.FencedStoreCustomizer;
import dev.fencedstate.spring.FencedStoreListenerFactory;
import dev.fencedstate.Retrier;
import dev.fencedstate.spring.FencedStoreSettings;
import dev.fencedstate.spring.FencedStores;
import dev.fencedstate.spring.dao.FencedStateExceptionTranslator;
import dev.fencedstate.spring.retry.FencedStateRetryOperations;
import dev.fencedstate.spring.storage.FileBackendSettings;
import dev.fencedstate.spring.storage.FileStorageProvider;
import dev.fencedstate.spring.storage.MemoryStorageProvider;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.retry.RetryOperations;
import dev.fencedstate.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.retry.RetryTemplate;

class FencedStateAutoConfigurationTest {

    private final ApplicationContextRunner runner = Runners.starter();

    @TempDir
    Path stateDir;

    private static FencedStore store(org.springframework.context.ApplicationContext context, String name) {
        return context.getBean(FencedStores.class).store(name);
    }

    private static @Nullable Duration lockTimeout(FencedStores stores, String name) {
        return ((FileBackendSettings) java.util.Objects.requireNonNull(stores.entry(name).settings().backendSettings()))
                .getLockTimeout();
    }

    @Nested
    @DisplayName("conditions")
    class Conditions {

        @Test
        @DisplayName("by default it builds the stores, both backends, the retry operations and the translator")
        void defaultBeans() {
            runner.run(context -> {
                assertThat(context).hasSingleBean(FencedStores.class)
                        .hasSingleBean(FileStorageProvider.class)
                        .hasSingleBean(MemoryStorageProvider.class)
                        .hasSingleBean(FencedStateExceptionTranslator.class)
                        .hasBean(FencedStateAutoConfiguration.RETRY_OPERATIONS_BEAN)
                        .hasBean(FencedStateAutoConfiguration.CLOCK_BEAN);
                assertThat(context.getBean(FencedStores.class).backends()).containsExactly("files", "memory");
            });
        }

        @Test
        @DisplayName("fencedstate.enabled=false switches everything off")
        void disabled() {
            runner.withPropertyValues("fencedstate.enabled=false").run(context -> assertThat(context)
                    .doesNotHaveBean(FencedStores.class)
                    .doesNotHaveBean(FencedStateExceptionTranslator.class)
                    .doesNotHaveBean(FencedStateAutoConfiguration.RETRY_OPERATIONS_BEAN)
                    .doesNotHaveBean(FencedStateAutoConfiguration.CLOCK_BEAN)
                    .doesNotHaveBean(FileStorageProvider.class));
        }

        @Test
        @DisplayName("the clock and the retry operations do not take over the application's own beans of their types")
        void notDefaultCandidates() {
            runner.withUserConfiguration(OwnClockAndRetryTemplate.class).run(context -> {
                assertThat(context).hasNotFailed();
                OwnClockAndRetryTemplate.Consumer consumer = context.getBean(OwnClockAndRetryTemplate.Consumer.class);
                assertThat(consumer.clock()).isSameAs(OwnClockAndRetryTemplate.APP_CLOCK);
                assertThat(consumer.retryTemplate()).isSameAs(OwnClockAndRetryTemplate.APP_RETRY);
                assertThat(context.getBean(FencedStateAutoConfiguration.RETRY_OPERATIONS_BEAN))
                        .isNotSameAs(OwnClockAndRetryTemplate.APP_RETRY);
            });
        }
    }

    @Nested
    @DisplayName("backends")
    class Backends {

        @Test
        @DisplayName("files is the default backend, each store in <fencedstate.files.directory>/<store>")
        void filesByDefault() {
            new ApplicationContextRunner()
                    .withConfiguration(org.springframework.boot.autoconfigure.AutoConfigurations.of(
                            FencedStateAutoConfiguration.class))
                    .withPropertyValues("fencedstate.files.directory=" + stateDir)
                    .run(context -> {
                        StateStorage storage = store(context, "plans").storage();
                        assertThat(storage).isInstanceOf(FileStorage.class);
                        assertThat(((FileStorage) storage).directory()).isEqualTo(stateDir.resolve("plans").toRealPath());
                    });
        }

        @Test
        @DisplayName("the default backend is files, in .fencedstate under the working directory; nothing else is set")
        void defaults() {
            FileStorageProvider files = new FileStorageProvider(Clock.systemUTC());
            FencedStoreSettings settings = new FencedStoreSettingsResolver(new FencedStateProperties(), new Binder(),
                    List.of(files)).apply("plans");
            assertThat(settings).isEqualTo(FencedStoreSettings.of("plans", "files")
                    .withBackendSettings(settings.backendSettings()));
            assertThat(settings.backendSettings()).isInstanceOfSatisfying(FileBackendSettings.class, own -> {
                assertThat(own.getDirectory()).isNull();
                assertThat(own.getLockTimeout()).isNull();
            });
            assertThat(files.directory("plans", (FileBackendSettings) settings.backendSettings()))
                    .isEqualTo(Path.of("").toAbsolutePath().resolve(".fencedstate").resolve("plans"));
        }

        @Test
        @DisplayName("fencedstate.backend=memory keeps stores in memory")
        void memory() {
            runner.withPropertyValues("fencedstate.backend=memory")
                    .run(context -> assertThat(store(context, "plans").storage()).isInstanceOf(InMemoryStorage.class));
        }

        @Test
        @DisplayName("a store's own backend wins over fencedstate.backend")
        void storeBackendWins() {
            runner.withPropertyValues("fencedstate.backend=memory", "fencedstate.files.directory=" + stateDir,
                    "fencedstate.stores.plans.backend=files").run(context -> {
                        assertThat(store(context, "plans").storage()).isInstanceOf(FileStorage.class);
                        assertThat(store(context, "other").storage()).isInstanceOf(InMemoryStorage.class);
                    });
        }

        @Test
        @DisplayName("a store's own directory and lock timeout win over the global ones; each store in <directory>/<store>")
        void storeDirectoryWins() {
            Path own = stateDir.resolve("own");
            runner.withPropertyValues("fencedstate.backend=files", "fencedstate.files.directory=" + stateDir.resolve("base"),
                    "fencedstate.files.lock-timeout=3s", "fencedstate.stores.plans.files.directory=" + own,
                    "fencedstate.stores.plans.files.lock-timeout=250ms").run(context -> {
                        FencedStores stores = context.getBean(FencedStores.class);
                        FileStorage plans = (FileStorage) stores.store("plans").storage();
                        FileStorage other = (FileStorage) stores.store("other").storage();
                        assertThat(plans.directory()).isEqualTo(own.resolve("plans").toRealPath());
                        assertThat(other.directory()).isEqualTo(stateDir.resolve("base").resolve("other").toRealPath());
                        assertThat(lockTimeout(stores, "plans")).isEqualTo(Duration.ofMillis(250));
                        assertThat(lockTimeout(stores, "other")).isEqualTo(Duration.ofSeconds(3));
                        assertThat(stores.entry("plans").location()).isEqualTo("directory " + plans.directory());
                    });
        }

        @Test
        @DisplayName("an unknown backend fails startup, naming the properties and the available backends")
        void unknownBackend() {
            runner.withPropertyValues("fencedstate.stores.plans.backend=cassandra").run(context -> {
                assertThat(context).hasFailed();
                assertThat(context.getStartupFailure()).rootCause()
                        .isInstanceOf(FencedStateConfigurationException.class)
                        .hasMessageContaining("Store 'plans' uses backend 'cassandra', which no FencedStorageProvider")
                        .hasMessageContaining("available: files, memory")
                        .hasMessageContaining("fencedstate.stores.plans.backend");
            });
        }

        @Test
        @DisplayName("a FencedStorageProvider bean adds a backend that stores can select (the extension point)")
        void customProvider() {
            runner.withUserConfiguration(CustomBackend.class)
                    .withPropertyValues("fencedstate.stores.plans.backend=custom").run(context -> {
                        assertThat(context.getBean(FencedStores.class).backends()).contains("custom");
                        assertThat(store(context, "plans").storage()).isSameAs(CustomBackend.STORAGE);
                    });
        }

        @Test
        @DisplayName("two providers for one backend id fail startup")
        void duplicateProvider() {
            runner.withUserConfiguration(CustomBackend.class, CustomBackendAgain.class).run(context -> {
                assertThat(context).hasFailed();
                assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("Several FencedStorageProvider beans offer backend 'custom'");
            });
        }
    }

    @Nested
    @DisplayName("settings: a store's own value wins over the global one, a customizer over both")
    class Settings {

        @Test
        @DisplayName("global settings apply to every store")
        void globals() {
            runner.withUserConfiguration(ManualClockConfig.class)
                    .withPropertyValues("fencedstate.default-lease=45s", "fencedstate.max-value-size=2KB",
                    "fencedstate.writer-id=agent-7", "fencedstate.retry.max-attempts=4",
                    "fencedstate.retry.initial-backoff=5ms", "fencedstate.retry.multiplier=3",
                    "fencedstate.retry.max-backoff=1s", "fencedstate.retry.jitter=0.25",
                    "fencedstate.retry.max-elapsed=7s").run(context -> {
                        FencedStore store = store(context, "plans");
                        assertThat(store.writerId()).isEqualTo("agent-7");
                        assertThat(store.retryPolicy()).isEqualTo(new RetryPolicy(4, Duration.ofMillis(5), 3.0,
                                Duration.ofSeconds(1), 0.25, Duration.ofSeconds(7)));
                        FencedStores.Entry entry = context.getBean(FencedStores.class).entry("plans");
                        assertThat(entry.settings().defaultLease()).isEqualTo(Duration.ofSeconds(45));
                        assertThat(entry.settings().maxValueBytes()).isEqualTo(2048);
                        ManualClock clock = context.getBean(ManualClock.class);
                        assertThat(store.claim("k").leaseDeadline()).isEqualTo(clock.instant().plusSeconds(45));
                    });
        }

        @Test
        @DisplayName("when a store override and a global default disagree, the store override wins, setting by setting")
        void storeOverrideWins() {
            runner.withUserConfiguration(ManualClockConfig.class)
                    .withPropertyValues("fencedstate.default-lease=30s", "fencedstate.writer-id=global-writer",
                            "fencedstate.max-value-size=1MB", "fencedstate.retry.max-attempts=10",
                            "fencedstate.retry.initial-backoff=7ms",
                            "fencedstate.stores.plans.default-lease=5s", "fencedstate.stores.plans.writer-id=plans-writer",
                            "fencedstate.stores.plans.max-value-size=10B", "fencedstate.stores.plans.retry.max-attempts=3")
                    .run(context -> {
                        FencedStores stores = context.getBean(FencedStores.class);
                        ManualClock clock = context.getBean(ManualClock.class);
                        FencedStore plans = stores.store("plans");
                        FencedStore other = stores.store("other");

                        assertThat(plans.writerId()).isEqualTo("plans-writer");
                        assertThat(other.writerId()).isEqualTo("global-writer");
                        assertThat(plans.claim("k").leaseDeadline()).isEqualTo(clock.instant().plusSeconds(5));
                        assertThat(other.claim("k").leaseDeadline()).isEqualTo(clock.instant().plusSeconds(30));
                        assertThat(stores.entry("plans").settings().maxValueBytes()).isEqualTo(10);
                        assertThat(stores.entry("other").settings().maxValueBytes()).isEqualTo(1024 * 1024);
                        assertThatThrownBy(() -> plans.update("big", snapshot -> new byte[11]))
                                .isInstanceOf(ValueTooLargeException.class);
                        assertThat(other.update("big", snapshot -> new byte[11]).valueSize()).isEqualTo(11);
                        // Only max-attempts is overridden: the backoff is still the global one, the rest core's.
                        assertThat(plans.retryPolicy().maxAttempts()).isEqualTo(3);
                        assertThat(plans.retryPolicy().initialBackoff()).isEqualTo(Duration.ofMillis(7));
                        assertThat(plans.retryPolicy().maxElapsed()).isEqualTo(RetryPolicy.DEFAULT.maxElapsed());
                        assertThat(other.retryPolicy().maxAttempts()).isEqualTo(10);
                    });
        }

        @Test
        @DisplayName("nothing set: every store keeps core's defaults (retry policy, lease, turns)")
        void coreDefaults() {
            runner.run(context -> {
                FencedStore store = store(context, "plans");
                FencedStore plain = FencedStore.builder(new InMemoryStorage()).build();
                assertThat(store.retryPolicy()).isEqualTo(RetryPolicy.DEFAULT);
                assertThat(store.defaultLease()).isEqualTo(plain.defaultLease());
                FencedStoreSettings settings = context.getBean(FencedStores.class).entry("plans").settings();
                assertThat(settings.retryPolicy()).isNull();
                assertThat(settings.defaultLease()).isNull();
                assertThat(settings.maxValueBytes()).isNull();
                assertThat(settings.updatesTakeTurns()).isNull();
            });
        }

        @Test
        @DisplayName("updates-take-turns: a store's own setting wins over the global one")
        void updatesTakeTurns() {
            runner.withPropertyValues("fencedstate.updates-take-turns=false",
                    "fencedstate.stores.plans.updates-take-turns=true").run(context -> {
                        FencedStores stores = context.getBean(FencedStores.class);
                        assertThat(stores.entry("plans").settings().updatesTakeTurns()).isTrue();
                        assertThat(stores.entry("other").settings().updatesTakeTurns()).isFalse();
                    });
        }

        @Test
        @DisplayName("the RetryOperations bean is core's retrier with the global policy, and retries nothing else")
        void retryOperations() {
            runner.withPropertyValues("fencedstate.retry.max-attempts=3", "fencedstate.retry.max-elapsed=9s",
                    "fencedstate.stores.plans.retry.max-attempts=5").run(context -> {
                        FencedStateRetryOperations operations = context.getBean(FencedStateAutoConfiguration.RETRY_OPERATIONS_BEAN,
                                FencedStateRetryOperations.class);
                        assertThat(operations.retrier().policy()).isEqualTo(RetryPolicy.DEFAULT.withMaxAttempts(3)
                                .withMaxElapsed(Duration.ofSeconds(9)));
                    });
        }

        @Test
        @DisplayName("customizers run after the properties, in order, and win over the store override and the global")
        void customizerWins() {
            runner.withUserConfiguration(Customizers.class)
                    .withPropertyValues("fencedstate.writer-id=global-writer",
                            "fencedstate.stores.plans.writer-id=plans-writer",
                            "fencedstate.stores.plans.retry.max-attempts=3")
                    .run(context -> {
                        FencedStores stores = context.getBean(FencedStores.class);
                        assertThat(stores.store("plans").writerId()).isEqualTo("customized-second");
                        assertThat(stores.store("plans").retryPolicy().maxAttempts()).isEqualTo(7);
                        // The store's repositories and updates retry as the customizer said: one retrier.
                        assertThat(stores.store("plans").retrier().policy().maxAttempts()).isEqualTo(7);
                        // forStore applies to its store only.
                        assertThat(stores.store("other").writerId()).isEqualTo("global-writer");
                        assertThat(stores.store("other").retryPolicy().maxAttempts()).isEqualTo(10);
                    });
        }

        @Test
        @DisplayName("stores named under fencedstate.stores are built at startup")
        void configuredStoresAreEager() {
            runner.withPropertyValues("fencedstate.stores.plans.default-lease=5s")
                    .run(context -> assertThat(context.getBean(FencedStores.class).names()).containsExactly("plans"));
        }

        @Test
        @DisplayName("an invalid store name under fencedstate.stores fails startup")
        void invalidStoreName() {
            runner.withPropertyValues("fencedstate.stores.Plans.default-lease=5s").run(context -> {
                assertThat(context).hasFailed();
                assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("Invalid store name 'Plans' under fencedstate.stores")
                        .hasMessageContaining("lowercase");
            });
        }

        @Test
        @DisplayName("invalid retry settings fail startup, naming the store's and the global properties")
        void invalidRetry() {
            runner.withPropertyValues("fencedstate.stores.plans.retry.multiplier=0.5").run(context -> {
                assertThat(context).hasFailed();
                assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("Invalid settings for store 'plans'")
                        .hasMessageContaining("fencedstate.stores.plans.retry.* (over fencedstate.retry.*)")
                        .hasMessageContaining("multiplier must be");
            });
            runner.withPropertyValues("fencedstate.stores.plans.retry.max-elapsed=0s").run(context -> {
                assertThat(context).hasFailed();
                assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("fencedstate.stores.plans.retry.*")
                        .hasMessageContaining("maxElapsed must be positive");
            });
            runner.withPropertyValues("fencedstate.retry.jitter=2").run(context -> {
                assertThat(context).hasFailed();
                assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("fencedstate.retry.*").hasMessageContaining("jitter must be");
            });
        }

        @Test
        @DisplayName("a lease that is not positive fails startup, naming the property")
        void invalidLease() {
            runner.withPropertyValues("fencedstate.stores.plans.default-lease=0s").run(context -> {
                assertThat(context).hasFailed();
                assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("fencedstate.stores.plans.default-lease must be a positive duration");
            });
        }

        @Test
        @DisplayName("a listener factory bean hears every store's events")
        void listenerFactory() {
            runner.withUserConfiguration(RecordingListenerFactory.class).run(context -> {
                FencedStore store = store(context, "plans");
                store.update("k", snapshot -> new byte[] {1});
                store.claim("k");
                RecordingListenerFactory recording = context.getBean(RecordingListenerFactory.class);
                assertThat(recording.events).containsExactly("plans commit k COMMITTED", "plans update k COMMITTED",
                        "plans claim k GRANTED");
            });
        }
    }

    @Nested
    @DisplayName("every bean backs off when the application declares its own")
    class BackOff {

        @Test
        void userBeansWin() {
            runner.withUserConfiguration(UserBeans.class).run(context -> {
                assertThat(context.getBean(FencedStores.class)).isSameAs(UserBeans.STORES);
                assertThat(context.getBean(FencedStateExceptionTranslator.class)).isSameAs(UserBeans.TRANSLATOR);
                assertThat(context.getBean(FileStorageProvider.class)).isSameAs(UserBeans.FILES);
                assertThat(context.getBean(MemoryStorageProvider.class)).isSameAs(UserBeans.MEMORY);
                assertThat(context.getBean(FencedStateAutoConfiguration.RETRY_OPERATIONS_BEAN)).isSameAs(UserBeans.RETRY);
                assertThat(context.getBean(FencedStateAutoConfiguration.CLOCK_BEAN)).isSameAs(UserBeans.CLOCK);
            });
        }

        @Test
        @DisplayName("the fencedStateClock bean drives the leases of the built-in backends")
        void clockBean() {
            runner.withUserConfiguration(ManualClockConfig.class).run(context -> {
                ManualClock clock = context.getBean(ManualClock.class);
                FencedStore store = store(context, "plans");
                Claim claim = store.claim("k", Duration.ofSeconds(10));
                assertThat(claim.leaseDeadline()).isEqualTo(clock.instant().plusSeconds(10));
                clock.advance(Duration.ofSeconds(11));
                assertThat(store.claim("k").reclaimed()).isTrue();
            });
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ManualClockConfig {
        @Bean(FencedStateAutoConfiguration.CLOCK_BEAN)
        ManualClock fencedStateClock() {
            return ManualClock.create();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnClockAndRetryTemplate {
        static final Clock APP_CLOCK = Clock.systemDefaultZone();
        static final RetryTemplate APP_RETRY = new RetryTemplate();

        record Consumer(Clock clock, RetryOperations retryTemplate) {
        }

        @Bean
        Clock appClock() {
            return APP_CLOCK;
        }

        @Bean
        RetryTemplate appRetryTemplate() {
            return APP_RETRY;
        }

        @Bean
        Consumer consumer(Clock clock, RetryOperations retryTemplate) {
            return new Consumer(clock, retryTemplate);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class CustomBackend {
        static final StateStorage STORAGE = new InMemoryStorage();

        @Bean
        FencedStorageProvider<Void> customProvider() {
            return new FencedStorageProvider<>() {
                @Override
                public String backend() {
                    return "custom";
                }

                @Override
                public Class<Void> settingsType() {
                    return Void.class;
                }

                @Override
                public StateStorage open(String storeName, @Nullable Void settings) {
                    return STORAGE;
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class CustomBackendAgain {
        @Bean
        FencedStorageProvider<Void> anotherCustomProvider() {
            return new FencedStorageProvider<>() {
                @Override
                public String backend() {
                    return "custom";
                }

                @Override
                public Class<Void> settingsType() {
                    return Void.class;
                }

                @Override
                public StateStorage open(String storeName, @Nullable Void settings) {
                    return new InMemoryStorage();
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Customizers {
        @Bean
        @Order(1)
        FencedStoreCustomizer first() {
            return FencedStoreCustomizer.forStore("plans",
                    builder -> builder.writerId("customized-first").retryPolicy(RetryPolicy.DEFAULT.withMaxAttempts(7)));
        }

        @Bean
        @Order(2)
        FencedStoreCustomizer second() {
            return FencedStoreCustomizer.forStore("plans", builder -> builder.writerId("customized-second"));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class RecordingListenerFactory implements FencedStoreListenerFactory {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public FencedStoreListener listenerFor(String storeName) {
            return new FencedStoreListener() {
                @Override
                public void onCommit(String key, CommitOutcome outcome, Duration elapsed) {
                    events.add(storeName + " commit " + key + " " + outcome);
                }

                @Override
                public void onUpdate(String key, UpdateOutcome outcome, int attempts, Duration elapsed) {
                    events.add(storeName + " update " + key + " " + outcome);
                }

                @Override
                public void onClaim(String key, ClaimEvent event) {
                    events.add(storeName + " claim " + key + " " + event);
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserBeans {
        static final Clock CLOCK = Clock.systemUTC();
        static final FileStorageProvider FILES = new FileStorageProvider(CLOCK);
        static final MemoryStorageProvider MEMORY = new MemoryStorageProvider(CLOCK);
        static final FencedStateRetryOperations RETRY = new FencedStateRetryOperations(Retrier.of(RetryPolicy.DEFAULT));
        static final FencedStateExceptionTranslator TRANSLATOR = new FencedStateExceptionTranslator();
        static final FencedStores STORES = new FencedStores(name -> FencedStoreSettings.of(name, "memory"),
                List.of(), List.of(MEMORY), List.of(), List.of());

        @Bean(FencedStateAutoConfiguration.CLOCK_BEAN)
        Clock fencedStateClock() {
            return CLOCK;
        }

        @Bean
        FileStorageProvider files() {
            return FILES;
        }

        @Bean
        MemoryStorageProvider memory() {
            return MEMORY;
        }

        @Bean(FencedStateAutoConfiguration.RETRY_OPERATIONS_BEAN)
        FencedStateRetryOperations fencedStateRetryOperations() {
            return RETRY;
        }

        @Bean
        FencedStateExceptionTranslator translator() {
            return TRANSLATOR;
        }

        @Bean
        FencedStores stores() {
            return STORES;
        }
    }
}
