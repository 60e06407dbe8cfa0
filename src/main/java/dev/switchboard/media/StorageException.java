package dev.switchboard.media;

/** The metadata database failed; the API answers 500 and the photo is not recorded. */
public final class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
