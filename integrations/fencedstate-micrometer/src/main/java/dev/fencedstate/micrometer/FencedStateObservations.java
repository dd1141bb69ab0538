package dev.fencedstate.micrometer;

import dev.fencedstate.FencedStoreListener.UpdateOutcome;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.ObservationRegistry;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Runs an operation on a store inside the observation {@value FencedStateMetricNames#OPERATION_OBSERVATION}, so a
 * tracer sees it as a span ({@code fencedstate update plans}), tagged {@code store}, {@code operation} and
 * {@code outcome} (the update outcomes of {@link FencedStateMetricNames#outcome(UpdateOutcome)}), with the key as a
 * high-cardinality value. A conflict, a give-up or a held claim is an expected outcome of concurrency, not an error
 * of the span; a fenced writer or a failure is.
 *
 * <p>The store's meters come from {@link FencedStateMeters}, which sees every commit and update of the store, also
 * those made without this class. So that each fact is counted once, a registry whose observations derive meters
 * (Micrometer's {@code DefaultMeterObservationHandler}, which Spring Boot registers) should deny this observation's
 * meters with {@link #DENY_OBSERVATION_METERS}; the Spring Boot starter does.
 */
public final class FencedStateObservations {

    /** Denies the timer (and long-task timer) a meter handler would derive from the observation. */
    public static final MeterFilter DENY_OBSERVATION_METERS =
            MeterFilter.denyNameStartsWith(FencedStateMetricNames.OPERATION_OBSERVATION);

    private final ObservationRegistry registry;

    public FencedStateObservations(ObservationRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** What the observation of one operation carries. */
    public static final class OperationContext extends Observation.Context {

        private final String storeName;
        private final String operation;
        private final String key;
        private @Nullable UpdateOutcome outcome;

        OperationContext(String storeName, String operation, String key) {
            this.storeName = storeName;
            this.operation = operation;
            this.key = key;
        }

        public String storeName() {
            return storeName;
        }

        public String operation() {
            return operation;
        }

        public String key() {
            return key;
        }

        /** How the operation ended, once it has. */
        public @Nullable UpdateOutcome outcome() {
            return outcome;
        }
    }

    /** The default key values of the observation. */
    static final class Convention implements ObservationConvention<OperationContext> {

        static final Convention INSTANCE = new Convention();

        @Override
        public String getName() {
            return FencedStateMetricNames.OPERATION_OBSERVATION;
        }

        @Override
        public String getContextualName(OperationContext context) {
            return "fencedstate " + context.operation() + " " + context.storeName();
        }

        @Override
        public KeyValues getLowCardinalityKeyValues(OperationContext context) {
            UpdateOutcome outcome = context.outcome();
            return KeyValues.of(FencedStateMetricNames.TAG_STORE, context.storeName(),
                    FencedStateMetricNames.TAG_OPERATION, context.operation(),
                    FencedStateMetricNames.TAG_OUTCOME, outcome == null ? "unknown"
                            : FencedStateMetricNames.outcome(outcome));
        }

        @Override
        public KeyValues getHighCardinalityKeyValues(OperationContext context) {
            return KeyValues.of(FencedStateMetricNames.KEY_KEY, context.key());
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return context instanceof OperationContext;
        }
    }

    /**
     * Runs {@code work}, the operation {@code operation} ({@code update}, {@code delete}, {@code commit}) on
     * {@code key} of store {@code storeName}, inside an observation; returns or rethrows what it did.
     */
    @SuppressWarnings("try") // the scope is opened for its side effect: the work runs inside the observation
    public <T> T observe(String storeName, String operation, String key, Supplier<T> work) {
        OperationContext context = new OperationContext(storeName, operation, key);
        Observation observation = Observation.createNotStarted(null, Convention.INSTANCE, () -> context, registry)
                .start();
        try (Observation.Scope scope = observation.openScope()) {
            T result = work.get();
            context.outcome = UpdateOutcome.COMMITTED;
            return result;
        } catch (RuntimeException | Error failure) {
            context.outcome = UpdateOutcome.of(failure);
            if (context.outcome == UpdateOutcome.FENCED || context.outcome == UpdateOutcome.FAILED) {
                observation.error(failure);
            }
            throw failure;
        } finally {
            observation.stop();
        }
    }
}
