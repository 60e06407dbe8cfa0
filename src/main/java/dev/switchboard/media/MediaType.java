package dev.switchboard.media;

import java.util.Locale;

/**
 * The formats the media store accepts, recognised by their signatures: the photo types JPEG (ITU T.81,
 * SOI marker FF D8 followed by a marker FF), PNG (ISO/IEC 15948 section 5.2, the 8-byte signature) and
 * WebP (a RIFF container, RFC 9649 section 2, whose form type is "WEBP"), and the recording types WebM
 * (an EBML document, RFC 8794 section 8: element ID 1A 45 DF A3 first) and MP4 (ISO/IEC 14496-12: a
 * leading box of type "ftyp", the type at offset 4). Pure: bytes in, a type out. {@link #FILE} is any
 * other file, kept for a peer that cannot be reached directly: it has no signature and is never detected.
 */
public enum MediaType {
    JPEG("image/jpeg", "jpg"),
    PNG("image/png", "png"),
    WEBP("image/webp", "webp"),
    WEBM("video/webm", "webm"),
    MP4("video/mp4", "mp4"),
    FILE("application/octet-stream", "bin");

    /** Bytes needed to tell every type apart (the WebP form type ends at offset 12). */
    public static final int SNIFF_BYTES = 12;

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private final String mime;
    private final String extension;

    MediaType(String mime, String extension) {
        this.mime = mime;
        this.extension = extension;
    }

    public String mime() {
        return mime;
    }

    public String extension() {
        return extension;
    }

    /** True for the recording (video container) types, false for photos. */
    public boolean recording() {
        return this == WEBM || this == MP4;
    }

    /** True for the photo (image) types. */
    public boolean photo() {
        return this == JPEG || this == PNG || this == WEBP;
    }

    /** The media kind stored and listed for this type. */
    public MediaKind kind() {
        return recording() ? MediaKind.RECORDING : this == FILE ? MediaKind.FILE : MediaKind.PHOTO;
    }

    /** The type whose signature starts {@code bytes[0..length)}, or null when none does. */
    public static MediaType detect(byte[] bytes, int length) {
        if (length >= 3 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8 && (bytes[2] & 0xFF) == 0xFF) {
            return JPEG;
        }
        if (length >= PNG_SIGNATURE.length && startsWith(bytes, PNG_SIGNATURE)) {
            return PNG;
        }
        if (length >= 12 && bytes[0] == 'R' && bytes[1] == 'I' && bytes[2] == 'F' && bytes[3] == 'F'
                && bytes[8] == 'W' && bytes[9] == 'E' && bytes[10] == 'B' && bytes[11] == 'P') {
            return WEBP;
        }
        if (length >= 4 && (bytes[0] & 0xFF) == 0x1A && (bytes[1] & 0xFF) == 0x45 && (bytes[2] & 0xFF) == 0xDF
                && (bytes[3] & 0xFF) == 0xA3) {
            return WEBM;
        }
        if (length >= 8 && bytes[4] == 'f' && bytes[5] == 't' && bytes[6] == 'y' && bytes[7] == 'p') {
            return MP4;
        }
        return null;
    }

    /** The photo type named by a Content-Type header value (parameters ignored), or null for any other. */
    public static MediaType fromContentType(String header) {
        MediaType t = anyFromContentType(header);
        return t != null && t.photo() ? t : null;
    }

    /** The recording type named by a Content-Type header value (parameters ignored), or null for any other. */
    public static MediaType recordingFromContentType(String header) {
        MediaType t = anyFromContentType(header);
        return t != null && t.recording() ? t : null;
    }

    private static MediaType anyFromContentType(String header) {
        if (header == null) {
            return null;
        }
        int semi = header.indexOf(';');
        String mime = (semi < 0 ? header : header.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        for (MediaType t : values()) {
            if (t.mime.equals(mime)) {
                return t;
            }
        }
        return null;
    }

    /** The type stored as {@code mime} in the database. */
    public static MediaType fromMime(String mime) {
        for (MediaType t : values()) {
            if (t.mime.equals(mime)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown image type " + mime);
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
