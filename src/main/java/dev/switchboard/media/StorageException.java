package dev.switchboard.media;

/**
 * Storage failed: the database or the disk. {@link #failure} says which kind (read off the cause when not
 * given); the API answers 507 or 503 and nothing is recorded.
 */
public final class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final StorageFailure failure;

    public StorageException(String message, Throwable cause) {
        super(message, cause);
        this.failure = cause == null ? null : StorageFailure.of(cause);
    }

    public StorageException(StorageFailure failure, String message) {
        super(message, null, false, false);
        this.failure = failure;
    }

    /** The kind of failure; null when it is not known. */
    public StorageFailure failure() {
        return failure;
    }
}
