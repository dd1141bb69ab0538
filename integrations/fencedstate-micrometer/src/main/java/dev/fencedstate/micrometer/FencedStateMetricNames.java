package dev.fencedstate.micrometer;

import dev.fencedstate.FencedStoreListener.ClaimEvent;
import dev.fencedstate.FencedStoreListener.CommitOutcome;
import dev.fencedstate.FencedStoreListener.UpdateOutcome;
import java.util.Locale;

/**
 * Every meter and observation name fencedstate publishes, with its tags: one meter per fact. Names and tag keys are
 * lowercase and dot-separated, as Micrometer's naming convention asks; each registry renders them its own way
 * (Prometheus: {@code fencedstate_commits_seconds_count}).
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>one sample per</th></tr>
 *   <tr><td>{@value #COMMITS}</td><td>timer</td><td>store, outcome</td><td>commit or delete attempt (its count and
 *       its duration): committed, conflict, fenced, claim-held, failed</td></tr>
 *   <tr><td>{@value #UPDATE_ATTEMPTS}</td><td>distribution summary</td><td>store, outcome</td><td>retried operation
 *       ({@code FencedStore.update}, anything run by a {@code Retrier}): the attempts it made; its count by outcome
 *       counts updates that committed, that gave up ({@code exhausted}), were fenced, met a held claim or failed</td></tr>
 *   <tr><td>{@value #CLAIMS}</td><td>counter</td><td>store, event</td><td>claim event: granted, reclaimed, held,
 *       renewed, released, revoked</td></tr>
 *   <tr><td>{@value #LIVE_CLAIMS}</td><td>gauge</td><td>store</td><td>(sampled) claims this process holds whose lease
 *       has not ended</td></tr>
 * </table>
 * A retry is a conflict that did not end its update: {@value #COMMITS}{@code {outcome=conflict}} counts every
 * conflict, {@value #UPDATE_ATTEMPTS}{@code {outcome=exhausted}} the updates that gave up.
 *
 * <p>The observation {@value #OPERATION_OBSERVATION} (a span per repository write, with the key as a high-cardinality
 * value) is for tracing; the meters above already count what it sees, so the meter a meter observation handler would
 * derive from it is denied ({@link FencedStateObservations#DENY_OBSERVATION_METERS}).
 */
public final class FencedStateMetricNames {

    /** Timer of commit and delete attempts, tagged {@value #TAG_STORE} and {@value #TAG_OUTCOME}. */
    public static final String COMMITS = "fencedstate.commits";

    /** Distribution summary of attempts per retried operation, tagged {@value #TAG_STORE} and {@value #TAG_OUTCOME}. */
    public static final String UPDATE_ATTEMPTS = "fencedstate.update.attempts";

    /** Counter of claim events, tagged {@value #TAG_STORE} and {@value #TAG_EVENT}. */
    public static final String CLAIMS = "fencedstate.claims";

    /** Gauge of the claims this process holds whose lease has not ended, tagged {@value #TAG_STORE}. */
    public static final String LIVE_CLAIMS = "fencedstate.claims.live";

    /** Observation of each write a repository makes (for spans; it derives no meter). */
    public static final String OPERATION_OBSERVATION = "fencedstate.operation";

    /** The store's name. */
    public static final String TAG_STORE = "store";

    /** A commit outcome ({@link #outcome(CommitOutcome)}) or an update outcome ({@link #outcome(UpdateOutcome)}). */
    public static final String TAG_OUTCOME = "outcome";

    /** A claim event, see {@link #event(ClaimEvent)}. */
    public static final String TAG_EVENT = "event";

    /** {@code update}, {@code delete} or {@code commit}, on observations. */
    public static final String TAG_OPERATION = "operation";

    /** The key, a high-cardinality key value on observations only (never a meter tag). */
    public static final String KEY_KEY = "key";

    private FencedStateMetricNames() {
    }

    /** {@code committed}, {@code conflict}, {@code fenced}, {@code claim-held}, {@code failed}. */
    public static String outcome(CommitOutcome outcome) {
        return tagValue(outcome.name());
    }

    /** {@code committed}, {@code exhausted}, {@code fenced}, {@code claim-held}, {@code failed}. */
    public static String outcome(UpdateOutcome outcome) {
        return tagValue(outcome.name());
    }

    /** {@code granted}, {@code reclaimed}, {@code held}, {@code renewed}, {@code released}, {@code revoked}. */
    public static String event(ClaimEvent event) {
        return tagValue(event.name());
    }

    private static String tagValue(String enumName) {
        return enumName.toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
