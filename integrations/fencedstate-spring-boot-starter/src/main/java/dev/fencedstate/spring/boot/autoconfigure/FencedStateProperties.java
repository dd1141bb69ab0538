package dev.fencedstate.spring.boot.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of fencedstate under {@code fencedstate.*}: the global store settings (this class is a
 * {@link FencedStoreProperties}), each store's own under {@code fencedstate.stores.<name>.*} (the same shape), and the
 * switches of the integration. A store's own value wins over the global one, one setting at a time (a store that
 * sets only {@code retry.max-attempts} keeps the global backoff); a {@link dev.fencedstate.spring.FencedStoreCustomizer}
 * bean runs after both and wins over both; what nobody sets keeps core's default.
 */
@ConfigurationProperties("fencedstate")
public class FencedStateProperties extends FencedStoreProperties {

    /** The backend of stores that choose none. */
    public static final String DEFAULT_BACKEND = "files";

    /** Whether to auto-configure fencedstate (stores, repositories, retry, metrics, endpoint, health, HTTP problems). */
    private boolean enabled = true;

    /** Per-store settings by store name; each setting given here wins over the global one. */
    private Map<String, FencedStoreProperties> stores = new LinkedHashMap<>();

    private final Web web = new Web();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Map<String, FencedStoreProperties> getStores() {
        return stores;
    }

    public void setStores(Map<String, FencedStoreProperties> stores) {
        this.stores = stores;
    }

    public Web getWeb() {
        return web;
    }

    /** fencedstate in web applications (Spring MVC and WebFlux). */
    public static class Web {

        private final Problems problems = new Problems();

        public Problems getProblems() {
            return problems;
        }
    }

    /** The answer to a fencedstate exception that escapes a controller. */
    public static class Problems {

        /**
         * Whether to answer fencedstate exceptions that escape a controller with a problem document (409 for
         * conflicts, exhausted retries, fenced writes and held claims, 400 invalid key, 413 value too large, 503
         * storage failure), logged in one WARN line. The application's own exception handlers win either way.
         */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }
}
