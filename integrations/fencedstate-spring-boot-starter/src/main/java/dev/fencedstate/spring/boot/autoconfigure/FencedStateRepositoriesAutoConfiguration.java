package dev.fencedstate.spring.boot.autoconfigure;

import dev.fencedstate.spring.FencedStores;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Import;

/**
 * {@code @FencedState} repositories: every annotated interface in the application's packages becomes a bean.
 * Registered by {@link AutoConfiguredFencedRepositoriesRegistrar}, which backs off for each repository the application
 * declares a bean for under the same name.
 */
@AutoConfiguration(after = FencedStateAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "fencedstate.enabled", matchIfMissing = true)
@ConditionalOnBean(FencedStores.class)
@Import(AutoConfiguredFencedRepositoriesRegistrar.class)
public class FencedStateRepositoriesAutoConfiguration {
}
