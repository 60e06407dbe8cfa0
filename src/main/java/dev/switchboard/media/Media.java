package dev.switchboard.media;

import java.time.Instant;

/** One stored photo as the API describes it; the bytes live in the content file named by {@code sha256}. */
public record Media(MediaId id, String room, ImageType type, long size, String sha256, Instant createdAt) {

    /** "photo" or "recording". */
    public String kind() {
        return type.kind();
    }

    /** The path the bytes are served at. */
    public String url() {
        return "/api/media/" + id.value();
    }
}
