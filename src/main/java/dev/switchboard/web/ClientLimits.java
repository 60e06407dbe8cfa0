package dev.switchboard.web;

import java.time.Duration;

/**
 * What an HTTP client may take of the server before it is cut off (the http.* keys): the time from a
 * request's first byte to the end of its head, the time a kept-alive connection may sit idle between
 * requests, the least body bytes a request must send per interval, and the open connections one IP
 * address may hold.
 */
public record ClientLimits(Duration headTimeout, Duration idleTimeout, int bodyMinBytes, Duration bodyInterval,
                           int maxConnectionsPerIp) {
    /** The built-in defaults (see switchboard.conf). */
    public static final ClientLimits DEFAULTS = new ClientLimits(Duration.ofSeconds(10), Duration.ofSeconds(20), 1024,
            Duration.ofSeconds(10), 128);
}
