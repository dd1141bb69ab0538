package dev.fencedstate.spring.metrics;

import dev.fencedstate.FencedStoreListener.ClaimEvent;
import dev.fencedstate.FencedStoreListener.CommitOutcome;
import java.util.Locale;

/**
 * Every meter and observation name fencedstate publishes, with its tags. Names and tag keys are lowercase and
 * dot-separated, as Micrometer's naming convention asks; each registry renders them its own way (Prometheus:
 * {@code fencedstate_commits_total}).
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>{@value #COMMITS}</td><td>counter</td><td>store, outcome</td><td>commit and delete attempts by outcome:
 *       committed, conflict, fenced, claim-held, failed</td></tr>
 *   <tr><td>{@value #COMMIT_LATENCY}</td><td>timer</td><td>store, outcome</td><td>how long each attempt took</td></tr>
 *   <tr><td>{@value #RETRIES}</td><td>counter</td><td>store</td><td>conflicts retried (by an update)</td></tr>
 *   <tr><td>{@value #CLAIMS}</td><td>counter</td><td>store, event</td><td>claim events: granted, reclaimed, held,
 *       renewed, released, revoked</td></tr>
 *   <tr><td>{@value #LIVE_CLAIMS}</td><td>gauge</td><td>store</td><td>keys with a live claim now (reads every key of
 *       the store when sampled)</td></tr>
 *   <tr><td>{@value #COMMIT_OBSERVATION}</td><td>observation (timer {@value #COMMIT_OBSERVATION} and long task timer
 *       {@value #COMMIT_OBSERVATION}.active when a meter handler is registered)</td><td>store, operation, outcome;
 *       high cardinality: key</td><td>each commit or delete a repository makes, as a span for tracing</td></tr>
 * </table>
 */
public final class FencedStateMetricNames {

    /** Counter of commit and delete attempts, tagged {@value #TAG_STORE} and {@value #TAG_OUTCOME}. */
    public static final String COMMITS = "fencedstate.commits";

    /** Timer of commit and delete attempts, tagged {@value #TAG_STORE} and {@value #TAG_OUTCOME}. */
    public static final String COMMIT_LATENCY = "fencedstate.commit.latency";

    /** Counter of version conflicts retried, tagged {@value #TAG_STORE}. */
    public static final String RETRIES = "fencedstate.retries";

    /** Counter of claim events, tagged {@value #TAG_STORE} and {@value #TAG_EVENT}. */
    public static final String CLAIMS = "fencedstate.claims";

    /** Gauge of keys with a live claim, tagged {@value #TAG_STORE}. */
    public static final String LIVE_CLAIMS = "fencedstate.claims.live";

    /** Observation of each commit or delete made by a repository. */
    public static final String COMMIT_OBSERVATION = "fencedstate.commit";

    /** The store's name. */
    public static final String TAG_STORE = "store";

    /** A commit outcome, see {@link #outcome(CommitOutcome)}. */
    public static final String TAG_OUTCOME = "outcome";

    /** A claim event, see {@link #event(ClaimEvent)}. */
    public static final String TAG_EVENT = "event";

    /** {@code commit} or {@code delete}, on observations. */
    public static final String TAG_OPERATION = "operation";

    /** The key, a high-cardinality key value on observations only (never a meter tag). */
    public static final String KEY_KEY = "key";

    private FencedStateMetricNames() {
    }

    /** The tag value of an outcome: {@code committed}, {@code conflict}, {@code fenced}, {@code claim-held}, {@code failed}. */
    public static String outcome(CommitOutcome outcome) {
        return tagValue(outcome.name());
    }

    /** The tag value of a claim event: {@code granted}, {@code reclaimed}, {@code held}, {@code renewed}, ... */
    public static String event(ClaimEvent event) {
        return tagValue(event.name());
    }

    private static String tagValue(String enumName) {
        return enumName.toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
