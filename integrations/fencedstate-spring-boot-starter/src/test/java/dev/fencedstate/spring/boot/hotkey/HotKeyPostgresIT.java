package dev.fencedstate.spring.boot.hotkey;

import dev.fencedstate.spring.boot.postgres.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link HotKeyInOneJvm} on the jdbc backend, over Boot's DataSource to a real PostgreSQL. */
@SpringBootTest(classes = HotKeyApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"fencedstate.backend=jdbc", "fencedstate.retry.max-elapsed=60s"})
class HotKeyPostgresIT extends HotKeyInOneJvm {

    private static final TestPostgres.Server SERVER = TestPostgres.server();
    private static final String TABLE = TestPostgres.uniqueTable("hotkey_one_jvm");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", SERVER::url);
        registry.add("spring.datasource.username", SERVER::user);
        registry.add("spring.datasource.password", SERVER::password);
        registry.add("fencedstate.jdbc.table", () -> TABLE);
    }

    @AfterAll
    static void dropTable() throws Exception {
        SERVER.dropTables(TABLE);
    }
}
