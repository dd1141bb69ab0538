package dev.fencedstate.spring.autoconfigure;

import dev.fencedstate.spring.FencedStateRetryTemplates;
import dev.fencedstate.spring.FencedStorageProvider;
import dev.fencedstate.spring.FencedStoreCustomizer;
import dev.fencedstate.spring.FencedStoreListenerFactory;
import dev.fencedstate.spring.FencedStores;
import dev.fencedstate.spring.dao.FencedStateExceptionTranslator;
import dev.fencedstate.spring.storage.FileStorageProvider;
import dev.fencedstate.spring.storage.MemoryStorageProvider;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.retry.RetryTemplate;

/**
 * The stores: {@link FencedStores} built from {@code fencedstate.*}, the {@code files} and {@code memory} backends,
 * the conflict {@link RetryTemplate} and the exception translator. Every bean backs off if the application declares
 * its own.
 *
 * <p>Two beans are not default candidates for injection by type, so that adding the starter cannot make an
 * application's own {@link Clock} or {@link RetryTemplate} injection ambiguous: inject them by name with
 * {@code @Qualifier("fencedStateClock")} and {@code @Qualifier("fencedStateRetryTemplate")}.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "fencedstate.enabled", matchIfMissing = true)
@EnableConfigurationProperties(FencedStateProperties.class)
public class FencedStateAutoConfiguration {

    /** The bean name of the clock of lease deadlines for the built-in backends. */
    public static final String CLOCK_BEAN = "fencedStateClock";

    /** The bean name of the shared conflict retry template. */
    public static final String RETRY_TEMPLATE_BEAN = "fencedStateRetryTemplate";

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
     * Retries version conflicts, never fenced writes, as {@code fencedstate.retry.*} says. Repositories of stores
     * without their own retry settings use it; reuse it with {@code @Qualifier("fencedStateRetryTemplate")}.
     */
    @Bean(name = RETRY_TEMPLATE_BEAN, defaultCandidate = false)
    @ConditionalOnMissingBean(name = RETRY_TEMPLATE_BEAN)
    public RetryTemplate fencedStateRetryTemplate(FencedStateProperties properties) {
        return FencedStateRetryTemplates.create(properties.globalRetryPolicy());
    }

    @Bean
    @ConditionalOnMissingBean
    public FencedStateExceptionTranslator fencedStateExceptionTranslator() {
        return new FencedStateExceptionTranslator();
    }

    @Bean
    @ConditionalOnMissingBean
    public FencedStores fencedStores(FencedStateProperties properties, ObjectProvider<FencedStorageProvider> providers,
            ObjectProvider<FencedStoreCustomizer> customizers,
            ObjectProvider<FencedStoreListenerFactory> listenerFactories,
            @Qualifier(RETRY_TEMPLATE_BEAN) RetryTemplate retryTemplate) {
        properties.validate();
        return new FencedStores(properties::settingsFor, properties.getStores().keySet(),
                providers.orderedStream().toList(), customizers.orderedStream().toList(),
                listenerFactories.orderedStream().toList(), retryTemplate);
    }
}
