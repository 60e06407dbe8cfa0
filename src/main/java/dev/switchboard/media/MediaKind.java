package dev.switchboard.media;

/**
 * What a stored media item is: a photo or a recording (gallery items), or a file kept for a peer
 * without a direct path (not listed in the gallery). {@link #wire} is the name the API, the database's
 * {@code kind} column and the {@code media-added} event carry, unchanged.
 */
public enum MediaKind {
    PHOTO("photo"),
    RECORDING("recording"),
    FILE("file");

    private final String wire;

    MediaKind(String wire) {
        this.wire = wire;
    }

    /** The name in JSON, in the database and in events: "photo", "recording" or "file". */
    public String wire() {
        return wire;
    }

    @Override
    public String toString() {
        return wire;
    }
}
