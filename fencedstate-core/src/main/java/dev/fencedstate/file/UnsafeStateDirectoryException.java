package dev.fencedstate.file;

import dev.fencedstate.FencedStateException;

/**
 * {@link FileStorage#open} refused a state directory (or its {@code records/} or {@code locks/}) that another user
 * could write to: owned by someone else, or writable by its group or by everyone. Whoever can write there can forge
 * records, replace them under a running writer, or plant links, so the directory is not used at all: nothing was read
 * or written. The message names the path, what was found, and the {@code chmod}/{@code chown} that makes it safe; a
 * directory deliberately shared by a group is opened with {@link FileStorage.Builder#sharedWithGroup}.
 */
public class UnsafeStateDirectoryException extends FencedStateException {

    private static final long serialVersionUID = 1L;

    private final String path;

    public UnsafeStateDirectoryException(String path, String message) {
        super(null, message, null);
        this.path = path;
    }

    /** The directory that was refused. */
    public String path() {
        return path;
    }

    /** Opening again cannot help until the directory's owner or mode is changed. */
    @Override
    public boolean isRetryable() {
        return false;
    }
}
