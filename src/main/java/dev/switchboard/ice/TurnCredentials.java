package dev.switchboard.ice;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the web side needs from the TURN server to hand ICE servers to browsers: short-lived REST
 * credentials (coturn's {@code use-auth-secret} scheme: username {@code <unix expiry>:<user>}, password
 * base64(HMAC-SHA1(secret, username))) and the URLs to reach the built-in STUN/TURN listeners.
 */
public interface TurnCredentials {

    /** One credential pair and when it stops working. */
    record Credential(String username, String password, Instant expires) {}

    /** Mints a credential for {@code user}, valid for {@code ttl}. */
    Credential mint(String user, Duration ttl);

    /**
     * The {@code stun:}, {@code turn:} and {@code turns:} URLs of the enabled listeners, for a client that
     * reached this server by {@code host} (the HTTP Host header without port, or the external address).
     */
    List<String> urls(String host);
}
