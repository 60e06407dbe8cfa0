package dev.switchboard.signaling.engineio;

import io.netty.handler.codec.http.HttpResponseStatus;

/** The HTTP errors of engine.io-protocol v4, with the codes and messages the official server uses. */
enum EngineError {
    UNKNOWN_TRANSPORT(0, "Transport unknown", HttpResponseStatus.BAD_REQUEST),
    UNKNOWN_SID(1, "Session ID unknown", HttpResponseStatus.BAD_REQUEST),
    BAD_HANDSHAKE_METHOD(2, "Bad handshake method", HttpResponseStatus.BAD_REQUEST),
    BAD_REQUEST(3, "Bad request", HttpResponseStatus.BAD_REQUEST),
    FORBIDDEN(4, "Forbidden", HttpResponseStatus.FORBIDDEN),
    UNSUPPORTED_PROTOCOL_VERSION(5, "Unsupported protocol version", HttpResponseStatus.BAD_REQUEST),
    /** Ours, not the protocol's: a handshake past the per-address budget (the client retries later). */
    TOO_MANY_SESSIONS(3, "Too many new sessions from this address", HttpResponseStatus.TOO_MANY_REQUESTS);

    final int code;
    final String message;
    final HttpResponseStatus status;

    EngineError(int code, String message, HttpResponseStatus status) {
        this.code = code;
        this.message = message;
        this.status = status;
    }
}
