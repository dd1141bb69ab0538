package dev.fencedstate;

import org.jspecify.annotations.Nullable;

/**
 * The stored record was written in a format version this version of fencedstate does not know, most likely by a
 * newer release. The record is left untouched. What to do: upgrade this process to a fencedstate release that reads
 * {@link #foundVersion()}, or point it at another state directory.
 */
public final class UnsupportedFormatException extends FencedStateException {

    private static final long serialVersionUID = 1L;

    private final int foundVersion;
    private final int supportedVersion;

    public UnsupportedFormatException(@Nullable String key, String location, int foundVersion, int supportedVersion) {
        super(key, "Unsupported format version " + foundVersion + " at " + location
                + " (this release reads version " + supportedVersion + " and older). The record was left untouched; "
                + "upgrade fencedstate to read it.", null);
        this.foundVersion = foundVersion;
        this.supportedVersion = supportedVersion;
    }

    public int foundVersion() {
        return foundVersion;
    }

    public int supportedVersion() {
        return supportedVersion;
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
