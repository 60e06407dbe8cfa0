package dev.switchboard.media.http;

/** A multipart/form-data body that does not follow RFC 7578 / RFC 2046 section 5.1.1; the message says where. */
final class MultipartException extends Exception {
    MultipartException(String message) {
        super(message);
    }
}
