package dev.fencedstate.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fencedstate.FencedStore;
import dev.fencedstate.StorageFailureException;
import dev.fencedstate.jdbc.JdbcStorage;
import dev.fencedstate.memory.InMemoryStorage;
import dev.fencedstate.spi.StateStorage;
import dev.fencedstate.spring.FencedStateConfigurationException;
import dev.fencedstate.spring.FencedStorageProvider;
import dev.fencedstate.spring.FencedStoreSettings;
import dev.fencedstate.spring.storage.JdbcBackendSettings;
import org.springframework.boot.context.properties.bind.Binder;
import dev.fencedstate.spring.FencedStores;
import dev.fencedstate.spring.boot.actuate.FencedStoresHealthContributor;
import dev.fencedstate.spring.boot.postgres.TestPostgres;
import dev.fencedstate.spring.storage.JdbcStorageCustomizer;
import dev.fencedstate.spring.storage.JdbcStorageProvider;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.annotation.Order;

/**
 * The {@code jdbc} backend's auto-configuration against a real PostgreSQL (embedded, or the server that
 * {@code FENCEDSTATE_TEST_JDBC_URL} names): its conditions, what it does without them, its properties and its startup
 * failures. The DataSource comes from Boot's own DataSource auto-configuration, as in an application.
 */
class FencedStateJdbcAutoConfigurationIT {

    private static final TestPostgres.Server SERVER = TestPostgres.server();

    /** The table of this class's tests; each test keeps apart by store names. */
    private static final String TABLE = TestPostgres.uniqueTable("starter_ctx");
    private static final String OTHER_TABLE = TestPostgres.uniqueTable("starter_ctx_other");
    private static final String UNCREATED_TABLE = TestPostgres.uniqueTable("starter_ctx_uncreated");

    /** The starter with Boot's DataSource auto-configuration pointed at the test server. */
    private final ApplicationContextRunner withDataSource = Runners.starter()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
            .withPropertyValues(SERVER.springDataSourceProperties())
            .withPropertyValues("fencedstate.jdbc.table=" + TABLE);

    /** The starter in an application without any DataSource. */
    private final ApplicationContextRunner withoutDataSource = Runners.starter();

    @AfterAll
    static void dropTables() throws Exception {
        SERVER.dropTables(TABLE);
        SERVER.dropTables(OTHER_TABLE);
        SERVER.dropTables(UNCREATED_TABLE);
    }

    private static FencedStore store(ApplicationContext context, String name) {
        return context.getBean(FencedStores.class).store(name);
    }

    private static JdbcStorage jdbcStorage(ApplicationContext context, String name) {
        StateStorage storage = store(context, name).storage();
        assertThat(storage).isInstanceOf(JdbcStorage.class);
        return (JdbcStorage) storage;
    }

    @Nested
    @DisplayName("conditions")
    class Conditions {

        @Test
        @DisplayName("with fencedstate-jdbc and Boot's DataSource, backend 'jdbc' is a JdbcStorageProvider over that DataSource")
        void providerOverTheDataSource() {
            withDataSource.withPropertyValues("fencedstate.backend=jdbc").run(context -> {
                assertThat(context).hasNotFailed().hasSingleBean(JdbcStorageProvider.class)
                        .doesNotHaveBean(FencedStateJdbcAutoConfiguration.UNAVAILABLE_BEAN);
                assertThat(context.getBean(JdbcStorageProvider.class).dataSource())
                        .isSameAs(context.getBean(DataSource.class));
                assertThat(context.getBean(FencedStores.class).backends()).containsExactly("files", "jdbc", "memory");
                JdbcStorage plans = jdbcStorage(context, "plans");
                assertThat(plans.table()).isEqualTo(TABLE);
                assertThat(plans.store()).isEqualTo("plans");
            });
        }

        @Test
        @DisplayName("without a DataSource there is no jdbc provider, and the other backends work as before")
        void noDataSource() {
            withoutDataSource.run(context -> {
                assertThat(context).hasNotFailed().doesNotHaveBean(JdbcStorageProvider.class);
                assertThat(context.getBean(FencedStores.class).backends()).containsExactly("files", "memory");
                assertThat(store(context, "plans").storage()).isInstanceOf(InMemoryStorage.class);
            });
        }

        @Test
        @DisplayName("fencedstate.backend=jdbc without a DataSource fails startup, saying what to add")
        void jdbcSelectedWithoutDataSource() {
            withoutDataSource.withPropertyValues("fencedstate.backend=jdbc", "fencedstate.stores.plans.default-lease=5s")
                    .run(context -> {
                        assertThat(context).hasFailed();
                        FencedStateConfigurationException failure = configurationFailure(context.getStartupFailure());
                        assertThat(failure.problem()).isEqualTo("Store 'plans' uses backend 'jdbc', which this "
                                + "application cannot open: it needs a DataSource bean, and the application has none.");
                        assertThat(failure.action()).contains("spring-boot-starter-jdbc",
                                "org.postgresql:postgresql", "spring.datasource.url", "declare a DataSource bean",
                                "fencedstate.stores.plans.backend or fencedstate.backend", "(available: files, memory)");
                    });
        }

        @Test
        @DisplayName("Boot's failure report prints the missing DataSource and what to add")
        @ExtendWith(OutputCaptureExtension.class)
        void failureReport(CapturedOutput output) {
            SpringApplication application = new SpringApplication(NoDataSourceApp.class);
            application.setWebApplicationType(WebApplicationType.NONE);
            application.setDefaultProperties(Map.of("fencedstate.backend", "jdbc",
                    "fencedstate.stores.plans.default-lease", "5s"));
            assertThatThrownBy(application::run);
            assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
                    .contains("Store 'plans' uses backend 'jdbc', which this application cannot open: it needs a "
                            + "DataSource bean, and the application has none.")
                    .contains("Action:")
                    .contains("Add a DataSource: the spring-boot-starter-jdbc dependency");
        }

        @Test
        @DisplayName("several DataSources and none @Primary: no provider, and selecting jdbc says to mark one @Primary")
        void severalDataSources() {
            withoutDataSource.withUserConfiguration(TwoDataSources.class)
                    .withPropertyValues("fencedstate.backend=jdbc", "fencedstate.stores.plans.default-lease=5s")
                    .run(context -> {
                        assertThat(context).hasFailed();
                        FencedStateConfigurationException failure = configurationFailure(context.getStartupFailure());
                        assertThat(failure.problem()).contains("it needs one DataSource bean, and the application has "
                                + "2 [firstDataSource, secondDataSource] with none marked @Primary");
                        assertThat(failure.action()).contains("@Primary");
                    });
            withoutDataSource.withUserConfiguration(TwoDataSources.class, PrimaryDataSource.class)
                    .withPropertyValues("fencedstate.jdbc.table=" + TABLE, "fencedstate.backend=jdbc")
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        assertThat(context.getBean(JdbcStorageProvider.class).dataSource())
                                .isSameAs(context.getBean("primaryDataSource"));
                        assertThat(jdbcStorage(context, "several").store()).isEqualTo("several");
                    });
        }

        @Test
        @DisplayName("without fencedstate-jdbc on the class path: no provider, and selecting jdbc says to add the module")
        void withoutModule() {
            ApplicationContextRunner withoutModule = withDataSource
                    .withClassLoader(new FilteredClassLoader("dev.fencedstate.jdbc"));
            withoutModule.run(context -> {
                assertThat(context).hasNotFailed().doesNotHaveBean(JdbcStorageProvider.class);
                assertThat(store(context, "plans").storage()).isInstanceOf(InMemoryStorage.class);
            });
            withoutModule.withPropertyValues("fencedstate.backend=jdbc", "fencedstate.stores.plans.default-lease=5s")
                    .run(context -> {
                        FencedStateConfigurationException failure = configurationFailure(context.getStartupFailure());
                        assertThat(failure.problem()).contains("it needs the module fencedstate-jdbc, which is not on "
                                + "the class path");
                        assertThat(failure.action()).contains("dev.fencedstate:fencedstate-jdbc");
                    });
        }

        @Test
        @DisplayName("fencedstate.enabled=false: no provider and no placeholder")
        void disabled() {
            withDataSource.withPropertyValues("fencedstate.enabled=false").run(context -> assertThat(context)
                    .hasNotFailed().doesNotHaveBean(JdbcStorageProvider.class)
                    .doesNotHaveBean(FencedStateJdbcAutoConfiguration.UNAVAILABLE_BEAN));
        }

        @Test
        @DisplayName("the application's own JdbcStorageProvider wins")
        void ownProviderWins() {
            withDataSource.withUserConfiguration(OwnJdbcProvider.class).withPropertyValues("fencedstate.backend=jdbc")
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        assertThat(context.getBean(JdbcStorageProvider.class)).isSameAs(
                                context.getBean(OwnJdbcProvider.class).provider);
                        assertThat(jdbcStorage(context, "own").table()).isEqualTo(TABLE);
                    });
        }

        @Test
        @DisplayName("a provider of the application's own for id 'jdbc' wins over the missing-DataSource placeholder")
        void ownProviderWinsOverPlaceholder() {
            withoutDataSource.withUserConfiguration(OwnJdbcIdProvider.class)
                    .withPropertyValues("fencedstate.backend=jdbc")
                    .run(context -> {
                        assertThat(context).hasNotFailed().hasBean(FencedStateJdbcAutoConfiguration.UNAVAILABLE_BEAN);
                        assertThat(context.getBean(FencedStores.class).backends()).contains("jdbc");
                        assertThat(store(context, "plans").storage()).isSameAs(OwnJdbcIdProvider.STORAGE);
                    });
        }
    }

    @Nested
    @DisplayName("properties")
    class Properties {

        @Test
        @DisplayName("every store lives in the one table, under its own value of the store column")
        void oneTableOneNamespacePerStore() {
            withDataSource.withPropertyValues("fencedstate.backend=jdbc").run(context -> {
                store(context, "ns-plans").update("k", snapshot -> "plans".getBytes(StandardCharsets.UTF_8));
                store(context, "ns-tasks").update("k", snapshot -> "tasks".getBytes(StandardCharsets.UTF_8));
                store(context, "ns-tasks").update("k", snapshot -> "tasks again".getBytes(StandardCharsets.UTF_8));

                assertThat(store(context, "ns-plans").read("k").valueAsUtf8()).hasValue("plans");
                assertThat(store(context, "ns-tasks").read("k").valueAsUtf8()).hasValue("tasks again");
                assertThat(SERVER.query("SELECT store, key, version FROM " + TABLE
                        + " WHERE store LIKE 'ns-%' ORDER BY store")).containsExactly(
                                List.of("ns-plans", "k", "1"), List.of("ns-tasks", "k", "2"));
            });
        }

        @Test
        @DisplayName("a store's own table, store value and backend win over the global settings")
        void storeOverridesWin() {
            withDataSource.withPropertyValues("fencedstate.backend=memory",
                    "fencedstate.stores.plans.backend=jdbc",
                    "fencedstate.stores.plans.jdbc.table=" + OTHER_TABLE,
                    "fencedstate.stores.plans.jdbc.store=legacy-plans",
                    "fencedstate.stores.tasks.backend=jdbc").run(context -> {
                        assertThat(context).hasNotFailed();
                        JdbcStorage plans = jdbcStorage(context, "plans");
                        assertThat(plans.table()).isEqualTo(OTHER_TABLE);
                        assertThat(plans.store()).isEqualTo("legacy-plans");
                        JdbcStorage tasks = jdbcStorage(context, "tasks");
                        assertThat(tasks.table()).isEqualTo(TABLE);
                        assertThat(tasks.store()).isEqualTo("tasks");
                        assertThat(store(context, "other").storage()).isInstanceOf(InMemoryStorage.class);

                        store(context, "plans").update("k", snapshot -> new byte[] {1});
                        assertThat(SERVER.query("SELECT store, key FROM " + OTHER_TABLE))
                                .containsExactly(List.of("legacy-plans", "k"));
                    });
        }

        @Test
        @DisplayName("create-schema=false refuses a table that does not exist, naming the properties; a store's own setting wins")
        void createSchemaOff() throws Exception {
            withDataSource.withPropertyValues("fencedstate.backend=jdbc", "fencedstate.jdbc.create-schema=false",
                    "fencedstate.stores.plans.jdbc.table=" + UNCREATED_TABLE).run(context -> {
                        assertThat(context).hasFailed();
                        FencedStateConfigurationException failure = configurationFailure(context.getStartupFailure());
                        assertThat(failure.problem()).startsWith("Store 'plans' cannot open its table "
                                + UNCREATED_TABLE + " on the jdbc backend:").contains("does not exist");
                        assertThat(failure.action()).contains("fencedstate.jdbc.create-schema=true",
                                "fencedstate.stores.plans.jdbc.create-schema");
                        assertThat(failure).hasCauseInstanceOf(StorageFailureException.class);
                    });
            assertThat(tableExists(UNCREATED_TABLE)).isFalse();
            withDataSource.withPropertyValues("fencedstate.backend=jdbc", "fencedstate.jdbc.create-schema=false",
                    "fencedstate.stores.plans.jdbc.table=" + UNCREATED_TABLE,
                    "fencedstate.stores.plans.jdbc.create-schema=true").run(context -> {
                        assertThat(context).hasNotFailed();
                        JdbcBackendSettings settings = (JdbcBackendSettings) context.getBean(FencedStores.class)
                                .entry("plans").settings().backendSettings();
                        assertThat(settings.getCreateSchema()).isTrue();
                        assertThat(settings.getTable()).isEqualTo(UNCREATED_TABLE);
                        assertThat(tableExists(UNCREATED_TABLE)).isTrue();
                    });
        }

        @Test
        @DisplayName("an invalid table name fails startup, naming the property, through the failure analyzer")
        void invalidTable() {
            withDataSource.withPropertyValues("fencedstate.jdbc.table=Agent-Records").run(context -> {
                assertThat(context).hasFailed();
                FailureAnalysis analysis = new FencedStateFailureAnalyzer().analyze(context.getStartupFailure());
                assertThat(analysis).isNotNull();
                assertThat(analysis.getDescription()).isEqualTo("Invalid fencedstate.jdbc.table: Invalid table name "
                        + "'Agent-Records': a table name must be lowercase ASCII letters, digits and underscores, "
                        + "starting with a letter or underscore (for example fencedstate_records or "
                        + "agents.fencedstate_records).");
                assertThat(analysis.getAction()).isEqualTo("Change fencedstate.jdbc.table.");
            });
        }

        @Test
        @DisplayName("an invalid store-level table or store value fails startup, naming the store's property")
        void invalidStoreOverrides() {
            withDataSource.withPropertyValues("fencedstate.stores.plans.jdbc.table=plans; drop table x").run(context -> {
                FencedStateConfigurationException failure = configurationFailure(context.getStartupFailure());
                assertThat(failure.problem()).startsWith("Invalid fencedstate.stores.plans.jdbc.table: Invalid table "
                        + "name 'plans; drop table x'");
                assertThat(failure.action()).isEqualTo("Change fencedstate.stores.plans.jdbc.table.");
            });
            withDataSource.withPropertyValues("fencedstate.stores.plans.jdbc.store=" + "s".repeat(257)).run(context -> {
                FencedStateConfigurationException failure = configurationFailure(context.getStartupFailure());
                assertThat(failure.problem()).startsWith("Invalid fencedstate.stores.plans.jdbc.store: store must be "
                        + "1 to 256 bytes of printable text");
            });
        }

        @Test
        @DisplayName("defaults: nothing set, so fencedstate-jdbc's own table and schema creation apply; store value = store name")
        void defaults() {
            FencedStateProperties properties = new FencedStateProperties();
            properties.setBackend("jdbc");
            FencedStoreSettings settings = new FencedStoreSettingsResolver(properties, new Binder(),
                    List.of(new JdbcStorageProvider(dataSource()))).apply("plans");
            assertThat(settings.backendSettings()).isInstanceOfSatisfying(JdbcBackendSettings.class, jdbc -> {
                assertThat(jdbc.getTable()).isNull();
                assertThat(jdbc.getStore()).isNull();
                assertThat(jdbc.getCreateSchema()).isNull();
            });
            withDataSource.withPropertyValues("fencedstate.backend=jdbc").run(context -> {
                assertThat(jdbcStorage(context, "plans").store()).isEqualTo("plans");
                assertThat(context.getBean(FencedStores.class).entry("plans").location())
                        .isEqualTo("table " + TABLE + ", store 'plans'");
            });
        }

        @Test
        @DisplayName("JdbcStorageCustomizer beans run after the properties, in order, and win over them")
        void customizersWin() {
            withDataSource.withUserConfiguration(JdbcCustomizers.class)
                    .withPropertyValues("fencedstate.backend=jdbc", "fencedstate.stores.plans.jdbc.store=from-property")
                    .run(context -> {
                        assertThat(jdbcStorage(context, "plans").store()).isEqualTo("customized-second");
                        assertThat(jdbcStorage(context, "tasks").store()).isEqualTo("tasks");
                        assertThat(context.getBean(JdbcCustomizers.class).calls)
                                .containsExactly("first plans", "second plans", "first tasks", "second tasks");
                    });
        }
    }

    @Test
    @DisplayName("the health indicator reports each store's jdbc backend: table and store value, up")
    void health() {
        withDataSource.withPropertyValues("fencedstate.backend=jdbc", "fencedstate.stores.health-plans.default-lease=5s")
                .run(context -> {
                    FencedStoresHealthContributor contributor = context.getBean(FencedStoresHealthContributor.class);
                    Health health = ((HealthIndicator) contributor.getContributor("health-plans")).health();
                    assertThat(health.getStatus()).isEqualTo(Status.UP);
                    assertThat(health.getDetails()).containsEntry("backend",
                            "postgresql:" + TABLE + "[store=health-plans]").containsKey("backendTime");
                });
    }

    private static FencedStateConfigurationException configurationFailure(Throwable startupFailure) {
        assertThat(startupFailure).isNotNull();
        Throwable cause = startupFailure;
        while (cause != null && !(cause instanceof FencedStateConfigurationException)) {
            cause = cause.getCause();
        }
        assertThat(cause).as("a FencedStateConfigurationException in %s", startupFailure)
                .isInstanceOf(FencedStateConfigurationException.class);
        return (FencedStateConfigurationException) cause;
    }

    private static boolean tableExists(String table) throws Exception {
        return SERVER.query("SELECT to_regclass('" + table + "')").get(0).get(0) != null;
    }

    private static PGSimpleDataSource dataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(SERVER.url());
        dataSource.setUser(SERVER.user());
        dataSource.setPassword(SERVER.password());
        return dataSource;
    }

    /** An application whose auto-configuration has fencedstate (with the jdbc module) but no DataSource. */
    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({FencedStateAutoConfiguration.class, FencedStateJdbcAutoConfiguration.class})
    static class NoDataSourceApp {
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoDataSources {
        @Bean
        DataSource firstDataSource() {
            return dataSource();
        }

        @Bean
        DataSource secondDataSource() {
            return dataSource();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PrimaryDataSource {
        @Bean
        @Primary
        DataSource primaryDataSource() {
            return dataSource();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnJdbcProvider {
        final JdbcStorageProvider provider = new JdbcStorageProvider(dataSource());

        @Bean
        JdbcStorageProvider ownJdbcStorageProvider() {
            return provider;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnJdbcIdProvider {
        static final StateStorage STORAGE = new InMemoryStorage();

        @Bean
        FencedStorageProvider<Void> ownJdbcIdProvider() {
            return new FencedStorageProvider<>() {
                @Override
                public String backend() {
                    return JdbcStorageProvider.BACKEND;
                }

                @Override
                public Class<Void> settingsType() {
                    return Void.class;
                }

                @Override
                public StateStorage open(String storeName, @org.jspecify.annotations.Nullable Void settings) {
                    return STORAGE;
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class JdbcCustomizers {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Bean
        @Order(2)
        JdbcStorageCustomizer second() {
            return (store, builder) -> {
                calls.add("second " + store);
                if (store.equals("plans")) {
                    builder.store("customized-second");
                }
            };
        }

        @Bean
        @Order(1)
        JdbcStorageCustomizer first() {
            return (store, builder) -> {
                calls.add("first " + store);
                if (store.equals("plans")) {
                    builder.store("customized-first");
                }
            };
        }
    }
}
