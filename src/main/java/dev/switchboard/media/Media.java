package dev.switchboard.media;

import java.time.Instant;

/** One stored photo as the API describes it; the bytes live in the content file named by {@code sha256}. */
public record Media(MediaId id, String room, MediaType type, long size, String sha256, Instant createdAt) {

    /** A photo, a recording or a file for a peer. */
    public MediaKind kind() {
        return type.kind();
    }

    /** The path the bytes are served at. */
    public String url() {
        return "/api/media/" + id.value();
    }
}
