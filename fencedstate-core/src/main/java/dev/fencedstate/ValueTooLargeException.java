package dev.fencedstate;

/**
 * The value to commit is larger than the store's limit ({@link FencedStore.Builder#maxValueBytes}). Nothing was
 * written. What to do: store less (split the value over several keys, or keep large blobs elsewhere and store a
 * reference), or raise the limit.
 */
public final class ValueTooLargeException extends FencedStateException {

    private static final long serialVersionUID = 1L;

    private final long size;
    private final long limit;

    public ValueTooLargeException(String key, long size, long limit) {
        super(key, "Value for key '" + Keys.printable(key) + "' is " + size + " bytes, over the limit of " + limit
                + " bytes. Nothing was written. Store less or raise maxValueBytes.", null);
        this.size = size;
        this.limit = limit;
    }

    public long size() {
        return size;
    }

    public long limit() {
        return limit;
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
