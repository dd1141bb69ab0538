package dev.fencedstate.spring.boot.actuate;

import dev.fencedstate.FencedStore;
import dev.fencedstate.spi.StorageRead;
import dev.fencedstate.spring.FencedStores;
import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;

/**
 * One health indicator per store, each checking that the store's backend answers a read. Built from the stores that
 * exist when health is checked, so a store built after startup is included too.
 */
public class FencedStoresHealthContributor implements CompositeHealthContributor {

    /** The key each check reads; it need not exist, and is never written. */
    static final String PROBE_KEY = "fencedstate-health-probe";

    private final FencedStores stores;

    public FencedStoresHealthContributor(FencedStores stores) {
        this.stores = Objects.requireNonNull(stores, "stores");
    }

    @Override
    public @Nullable HealthContributor getContributor(String name) {
        return stores.find(name).map(StoreHealthIndicator::new).orElse(null);
    }

    @Override
    public Stream<HealthContributors.Entry> stream() {
        return stores.names().stream()
                .flatMap(name -> stores.find(name).stream())
                .map(store -> new HealthContributors.Entry(store.name(), new StoreHealthIndicator(store)));
    }

    /** Up if the store's backend answers a read; down with the backend's error otherwise. */
    static final class StoreHealthIndicator extends AbstractHealthIndicator {

        private final FencedStore store;

        StoreHealthIndicator(FencedStore store) {
            super("fencedstate store '" + store.name() + "' health check failed");
            this.store = store;
        }

        @Override
        protected void doHealthCheck(Health.Builder builder) {
            builder.withDetail("backend", store.storage().describe()).withDetail("writerId", store.writerId());
            StorageRead read = store.storage().read(PROBE_KEY);
            builder.up().withDetail("backendTime", read.now().toString());
        }
    }
}
