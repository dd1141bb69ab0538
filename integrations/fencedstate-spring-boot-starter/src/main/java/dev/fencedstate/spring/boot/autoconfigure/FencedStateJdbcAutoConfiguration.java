package dev.fencedstate.spring.boot.autoconfigure;

import dev.fencedstate.spring.FencedStorageProvider;
import dev.fencedstate.spring.storage.JdbcStorageCustomizer;
import dev.fencedstate.spring.storage.JdbcStorageProvider;
import java.util.Arrays;
import javax.sql.DataSource;
import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code jdbc} backend (PostgreSQL, module {@code fencedstate-jdbc}): a {@link JdbcStorageProvider} over the
 * application's {@link DataSource}, when {@code fencedstate-jdbc} is on the class path and there is exactly one
 * DataSource bean (or one marked {@code @Primary}). Ordered after Boot's DataSource auto-configuration, so the
 * DataSource that {@code spring.datasource.*} describes counts.
 *
 * <p>When the backend cannot be offered, a placeholder takes its id instead, so that {@code fencedstate.backend=jdbc}
 * fails at startup saying what to add (the module, or a DataSource) rather than "unknown backend".
 */
@AutoConfiguration(afterName = FencedStateJdbcAutoConfiguration.DATA_SOURCE_AUTO_CONFIGURATION)
@ConditionalOnBooleanProperty(name = "fencedstate.enabled", matchIfMissing = true)
public class FencedStateJdbcAutoConfiguration {

    /** Spring Boot 4's DataSource auto-configuration (module spring-boot-jdbc), which this one runs after. */
    static final String DATA_SOURCE_AUTO_CONFIGURATION =
            "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration";

    static final String JDBC_STORAGE = "dev.fencedstate.jdbc.JdbcStorage";

    /** The bean name of the placeholder that explains why the jdbc backend is not available. */
    public static final String UNAVAILABLE_BEAN = "fencedStateJdbcBackendUnavailable";

    private static final String ADD_DATA_SOURCE = "Add a DataSource: the spring-boot-starter-jdbc dependency, a "
            + "PostgreSQL driver (org.postgresql:postgresql) and spring.datasource.url (with spring.datasource.username "
            + "and spring.datasource.password); or declare a DataSource bean.";

    // Nested so that no class of fencedstate-jdbc is loaded unless the module is there (conditions are read first).
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = JDBC_STORAGE)
    static class JdbcBackendConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnSingleCandidate(DataSource.class)
        public JdbcStorageProvider fencedStateJdbcStorageProvider(DataSource dataSource,
                ObjectProvider<JdbcStorageCustomizer> customizers) {
            return new JdbcStorageProvider(dataSource, customizers.orderedStream().toList());
        }

        /** fencedstate-jdbc is there, but not exactly one DataSource (and the application has no provider of its own). */
        @Bean(UNAVAILABLE_BEAN)
        @ConditionalOnMissingBean(JdbcStorageProvider.class)
        @Conditional(NoSingleDataSource.class)
        public FencedStorageProvider<Void> fencedStateJdbcBackendUnavailable(ListableBeanFactory beans) {
            String[] dataSources = BeanFactoryUtils.beanNamesForTypeIncludingAncestors(beans, DataSource.class);
            if (dataSources.length == 0) {
                return FencedStorageProvider.unavailable(JdbcStorageProvider.BACKEND,
                        "it needs a DataSource bean, and the application has none", ADD_DATA_SOURCE);
            }
            return FencedStorageProvider.unavailable(JdbcStorageProvider.BACKEND, "it needs one DataSource bean, and the "
                    + "application has " + dataSources.length + " " + Arrays.toString(dataSources)
                    + " with none marked @Primary", "Mark the DataSource that fencedstate should use @Primary, or "
                    + "declare a JdbcStorageProvider bean built with it.");
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingClass(JDBC_STORAGE)
    static class JdbcModuleMissingConfiguration {

        @Bean(UNAVAILABLE_BEAN)
        @ConditionalOnMissingBean(name = UNAVAILABLE_BEAN)
        public FencedStorageProvider<Void> fencedStateJdbcBackendUnavailable() {
            return FencedStorageProvider.unavailable(JdbcStorageProvider.BACKEND,
                    "it needs the module fencedstate-jdbc, which is not on the class path",
                    "Add the dependency dev.fencedstate:fencedstate-jdbc, and a DataSource (spring-boot-starter-jdbc, "
                    + "a PostgreSQL driver and spring.datasource.url).");
        }
    }

    /** Matches when there is not exactly one DataSource to use: none, or several with none primary. */
    static class NoSingleDataSource extends NoneNestedConditions {

        NoSingleDataSource() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnSingleCandidate(DataSource.class)
        static class SingleDataSource {
        }
    }
}
