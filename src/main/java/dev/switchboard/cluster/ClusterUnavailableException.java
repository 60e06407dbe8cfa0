package dev.switchboard.cluster;

/** The shared room store (Redis) did not take the request; nothing was delivered through it. */
public final class ClusterUnavailableException extends RuntimeException {
    public ClusterUnavailableException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
