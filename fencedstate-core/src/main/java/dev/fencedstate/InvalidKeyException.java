package dev.fencedstate;

/**
 * The key is not acceptable: empty, too long, or containing characters no backend stores safely (control
 * characters, NUL, unpaired surrogates). Nothing was read or written. What to do: fix the key; see
 * {@link Keys} for the rules.
 */
public final class InvalidKeyException extends FencedStateException {

    private static final long serialVersionUID = 1L;

    private final String reason;

    public InvalidKeyException(String key, String reason) {
        super(key, "Invalid key '" + Keys.printable(key) + "': " + reason, null);
        this.reason = reason;
    }

    /** Why the key was refused. */
    public String reason() {
        return reason;
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
