package dev.fencedstate;

import org.jspecify.annotations.Nullable;

/**
 * The stored record of a key cannot be decoded: truncated, damaged, or not a fencedstate record. The record is
 * left exactly as found, for inspection; nothing was written to it. What to do: inspect {@link #location()}, stop the
 * writers of that key, then restore the record from a backup or remove it by hand. Stop them first because removing
 * or restoring a record resets or rolls back its version and epoch, which could let a writer holding a newer claim
 * pass the fence again. fencedstate never repairs or overwrites a record it cannot read.
 */
public class CorruptStateException extends FencedStateException {

    private static final long serialVersionUID = 1L;

    private final String location;

    public CorruptStateException(@Nullable String key, String location, String problem, @Nullable Throwable cause) {
        super(key, "Corrupt state" + (key == null ? "" : " for key '" + Keys.printable(key) + "'") + " at "
                + location + ": " + problem + ". The record was left untouched for inspection; stop the key's writers, then "
                + "restore or remove it by hand.", cause);
        this.location = location;
    }

    /** Where the unreadable record is (a file path, a table row). */
    public String location() {
        return location;
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
