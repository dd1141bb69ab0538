package dev.fencedstate.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fencedstate.FencedWriteException;
import dev.fencedstate.RetriesExhaustedException;
import dev.fencedstate.Retrier;
import dev.fencedstate.RetryPolicy;
import dev.fencedstate.VersionConflictException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The observation of a store operation: a span for a tracer, and, with the filter, no second meter. */
class FencedStateObservationsTest {

    private final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();
    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final ObservationRegistry registry = ObservationRegistry.create();
    private final FencedStateObservations observations = new FencedStateObservations(registry);

    FencedStateObservationsTest() {
        meters.config().meterFilter(FencedStateObservations.DENY_OBSERVATION_METERS);
        registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters))
                .observationHandler(new ObservationHandler<>() {
                    @Override
                    public void onStop(Observation.Context context) {
                        stopped.add(context);
                    }

                    @Override
                    public boolean supportsContext(Observation.Context context) {
                        return true;
                    }
                });
    }

    @Test
    @DisplayName("each operation is an observation tagged store, operation and outcome, with the key high-cardinality")
    void tagged() {
        assertThat(observations.observe("plans", "update", "p1", () -> "done")).isEqualTo("done");
        Retrier giveUp = Retrier.of(RetryPolicy.noRetry());
        assertThatThrownBy(() -> observations.observe("plans", "update", "p1", () -> giveUp.call("p1", () -> {
            throw new VersionConflictException("p1", 1, 2);
        }))).isInstanceOf(RetriesExhaustedException.class);
        assertThatThrownBy(() -> observations.observe("plans", "commit", "p1", () -> {
            throw new FencedWriteException("p1", 1, 2);
        })).isInstanceOf(FencedWriteException.class);

        assertThat(stopped).extracting(Observation.Context::getName)
                .containsOnly(FencedStateMetricNames.OPERATION_OBSERVATION);
        assertThat(stopped).extracting(c -> c.getLowCardinalityKeyValue("outcome").getValue())
                .containsExactly("committed", "exhausted", "fenced");
        assertThat(stopped).extracting(c -> c.getLowCardinalityKeyValue("operation").getValue())
                .containsExactly("update", "update", "commit");
        assertThat(stopped.get(0).getHighCardinalityKeyValue("key").getValue()).isEqualTo("p1");
        assertThat(stopped.get(0).getContextualName()).isEqualTo("fencedstate update plans");
        // Giving up is an expected outcome of concurrency, not an error of the span; a zombie writer is.
        assertThat(stopped.get(1).getError()).isNull();
        assertThat(stopped.get(2).getError()).isInstanceOf(FencedWriteException.class);
    }

    @Test
    @DisplayName("with the filter, a meter observation handler derives no meter from it: one meter per fact")
    void noSecondMeter() {
        observations.observe("plans", "update", "p1", () -> "done");
        assertThat(meters.find(FencedStateMetricNames.OPERATION_OBSERVATION).meters()).isEmpty();
        assertThat(meters.getMeters()).noneMatch(meter -> meter.getId().getName().startsWith("fencedstate"));
    }
}
