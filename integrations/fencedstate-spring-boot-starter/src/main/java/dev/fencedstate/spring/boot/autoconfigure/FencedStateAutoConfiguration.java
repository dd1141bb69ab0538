package dev.fencedstate.spring.boot.autoconfigure;

import dev.fencedstate.Retrier;
import dev.fencedstate.spring.FencedStorageProvider;
import dev.fencedstate.spring.FencedStoreCustomizer;
import dev.fencedstate.spring.FencedStoreListenerFactory;
import dev.fencedstate.spring.FencedStores;
import dev.fencedstate.spring.dao.FencedStateExceptionTranslator;
import dev.fencedstate.spring.retry.FencedStateRetryOperations;
import dev.fencedstate.spring.storage.FileStorageProvider;
import dev.fencedstate.spring.storage.MemoryStorageProvider;
import java.time.Clock;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.retry.RetryOperations;

/**
 * The stores: {@link FencedStores} built from {@code fencedstate.*}, the {@code files} and {@code memory} backends,
 * the {@link RetryOperations} view of core's retrier, and the exception translator. Every bean backs off if the
 * application declares its own.
 *
 * <p>Two beans are not default candidates for injection by type, so that adding the starter cannot make an
 * application's own {@link Clock} or {@link RetryOperations} injection ambiguous: inject them by name with
 * {@code @Qualifier("fencedStateClock")} and {@code @Qualifier("fencedStateRetryOperations")}.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "fencedstate.enabled", matchIfMissing = true)
@EnableConfigurationProperties(FencedStateProperties.class)
public class FencedStateAutoConfiguration {

    /** The bean name of the clock of lease deadlines for the built-in backends. */
    public static final String CLOCK_BEAN = "fencedStateClock";

    /** The bean name of the {@link RetryOperations} for application code. */
    public static final String RETRY_OPERATIONS_BEAN = "fencedStateRetryOperations";

    /**
     * The clock of lease deadlines for the {@code files} and {@code memory} backends: the system clock. Replace it
     * only for tests and demos; processes sharing a directory must all use the host's clock.
     */
    @Bean(name = CLOCK_BEAN, defaultCandidate = false)
    @ConditionalOnMissingBean(name = CLOCK_BEAN)
    public Clock fencedStateClock() {
        return Clock.systemUTC();
    }

    @Bean
    @ConditionalOnMissingBean
    public FileStorageProvider fencedStateFileStorageProvider(@Qualifier(CLOCK_BEAN) Clock clock) {
        return new FileStorageProvider(clock);
    }

    @Bean
    @ConditionalOnMissingBean
    public MemoryStorageProvider fencedStateMemoryStorageProvider(@Qualifier(CLOCK_BEAN) Clock clock) {
        return new MemoryStorageProvider(clock);
    }

    /**
     * Spring's {@link RetryOperations} for the application's own units of work, run by core's {@link Retrier} with
     * the policy of {@code fencedstate.retry.*} (core's default where unset): retries version conflicts, never a
     * fenced write. A store's own retrier is {@code stores.store(name).retrier()}.
     */
    @Bean(name = RETRY_OPERATIONS_BEAN, defaultCandidate = false)
    @ConditionalOnMissingBean(name = RETRY_OPERATIONS_BEAN)
    public FencedStateRetryOperations fencedStateRetryOperations(FencedStateProperties properties,
            Environment environment) {
        FencedStoreSettingsResolver resolver = new FencedStoreSettingsResolver(properties, Binder.get(environment),
                List.of());
        return new FencedStateRetryOperations(Retrier.of(resolver.globalRetryPolicy()));
    }

    @Bean
    @ConditionalOnMissingBean
    public FencedStateExceptionTranslator fencedStateExceptionTranslator() {
        return new FencedStateExceptionTranslator();
    }

    @Bean
    @ConditionalOnMissingBean
    public FencedStores fencedStores(FencedStateProperties properties, Environment environment,
            ObjectProvider<FencedStorageProvider<?>> providers, ObjectProvider<FencedStoreCustomizer> customizers,
            ObjectProvider<FencedStoreListenerFactory> listenerFactories) {
        List<FencedStorageProvider<?>> all = providers.orderedStream().toList();
        FencedStoreSettingsResolver resolver = new FencedStoreSettingsResolver(properties, Binder.get(environment),
                all);
        resolver.validate();
        return new FencedStores(resolver, resolver.storeNames(), all, customizers.orderedStream().toList(),
                listenerFactories.orderedStream().toList());
    }
}
