package dev.fencedstate.spring.web;

import dev.fencedstate.ClaimHeldException;
import dev.fencedstate.CorruptStateException;
import dev.fencedstate.FencedStateException;
import dev.fencedstate.FencedWriteException;
import dev.fencedstate.InvalidKeyException;
import dev.fencedstate.RetriesExhaustedException;
import dev.fencedstate.StorageFailureException;
import dev.fencedstate.UnsupportedFormatException;
import dev.fencedstate.ValueTooLargeException;
import dev.fencedstate.VersionConflictException;
import java.net.URI;
import java.util.Arrays;
import java.util.Optional;
import org.springframework.http.HttpStatus;

/**
 * The problem types of fencedstate's HTTP answers (RFC 9457): one per library exception, each with its URI, its HTTP
 * status and its title. A client in any language tells what happened, and whether to retry, from {@link #uri()} alone.
 * This enum and {@link FencedStateProblems} are the one place the mapping lives; the Spring MVC and WebFlux handler
 * and {@code fencedstate-server} both use them.
 */
public enum FencedStateProblemType {

    /** Another commit landed since the version the request was based on; nothing was written. Re-read and retry. */
    VERSION_CONFLICT("version-conflict", HttpStatus.CONFLICT, "Version conflict", VersionConflictException.class),

    /** An update spent its retry budget on conflicts (or waiting for its turn); nothing was written. Retry later. */
    RETRIES_EXHAUSTED("retries-exhausted", HttpStatus.CONFLICT, "Retries exhausted", RetriesExhaustedException.class),

    /** The writer's claim was reclaimed, revoked or released; nothing was written. Never retry with that claim. */
    FENCED_WRITE("fenced-write", HttpStatus.CONFLICT, "Fenced write", FencedWriteException.class),

    /** Another writer holds a live claim on the key; nothing was written. Retry after its lease. */
    CLAIM_HELD("claim-held", HttpStatus.CONFLICT, "Claim held", ClaimHeldException.class),

    /** The key is not a valid key (empty, too long, control characters, unpaired surrogates). */
    INVALID_KEY("invalid-key", HttpStatus.BAD_REQUEST, "Invalid key", InvalidKeyException.class),

    /** The value is larger than the store accepts. */
    VALUE_TOO_LARGE("value-too-large", HttpStatus.CONTENT_TOO_LARGE, "Value too large", ValueTooLargeException.class),

    /** The storage failed; {@code outcomeKnown} says whether the write may have landed. */
    STORAGE_FAILURE("storage-failure", HttpStatus.SERVICE_UNAVAILABLE, "Storage failure",
            StorageFailureException.class),

    /** A stored record is damaged or foreign; it was left untouched for an operator. */
    CORRUPT_STATE("corrupt-state", HttpStatus.INTERNAL_SERVER_ERROR, "Corrupt state", CorruptStateException.class),

    /** A stored record was written by a newer fencedstate than this server runs. */
    UNSUPPORTED_FORMAT("unsupported-format", HttpStatus.INTERNAL_SERVER_ERROR, "Unsupported format",
            UnsupportedFormatException.class);

    /** Every type's URI is this followed by its {@link #slug()}. */
    public static final String BASE_URI = "https://fencedstate.dev/problems/";

    private final String slug;
    private final HttpStatus status;
    private final String title;
    private final Class<? extends FencedStateException> exceptionType;

    FencedStateProblemType(String slug, HttpStatus status, String title,
            Class<? extends FencedStateException> exceptionType) {
        this.slug = slug;
        this.status = status;
        this.title = title;
        this.exceptionType = exceptionType;
    }

    /** The type for {@code exception}: the one whose exception type it is an instance of, if any. */
    public static Optional<FencedStateProblemType> of(FencedStateException exception) {
        return Arrays.stream(values()).filter(type -> type.exceptionType.isInstance(exception)).findFirst();
    }

    /** The last segment of the type's URI, e.g. {@code version-conflict}. */
    public String slug() {
        return slug;
    }

    /** The problem's {@code type}, e.g. {@code https://fencedstate.dev/problems/version-conflict}. */
    public URI uri() {
        return URI.create(BASE_URI + slug);
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** The library exception this type stands for (its subclasses included). */
    public Class<? extends FencedStateException> exceptionType() {
        return exceptionType;
    }
}
