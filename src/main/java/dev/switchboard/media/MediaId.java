package dev.switchboard.media;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * A media item's public identifier: 128 random bits as 22 characters of unpadded base64url
 * (RFC 4648 section 5). Ids are never derived from user input; one from a request is only accepted
 * after {@link #parse} has checked its exact shape, so it can never name a path.
 */
public record MediaId(String value) {
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{22}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public MediaId {
        if (!isValid(value)) {
            throw new IllegalArgumentException("not a media id");
        }
    }

    public static MediaId random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return new MediaId(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /** The id, or null when {@code text} is not shaped like one. */
    public static MediaId parse(String text) {
        return isValid(text) ? new MediaId(text) : null;
    }

    public static boolean isValid(String text) {
        return text != null && SHAPE.matcher(text).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}
