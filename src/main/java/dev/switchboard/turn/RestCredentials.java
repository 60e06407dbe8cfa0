package dev.switchboard.turn;

import dev.switchboard.ice.TurnCredentials;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Mints coturn-compatible REST credentials with the server's secret for the web side, and lists the
 * STUN/TURN URLs of the enabled listeners (RFC 7064, RFC 7065).
 */
public final class RestCredentials implements TurnCredentials {
    private final byte[] secret;
    private final int port;
    private final int tlsPort;
    private final Ticker ticker;

    public RestCredentials(byte[] secret, int port, int tlsPort, Ticker ticker) {
        this.secret = secret.clone();
        this.port = port;
        this.tlsPort = tlsPort;
        this.ticker = ticker;
    }

    @Override
    public Credential mint(String user, Duration ttl) {
        long expiry = ticker.epochSecond() + ttl.toSeconds();
        String username = user == null || user.isEmpty() ? Long.toString(expiry) : expiry + ":" + user;
        return new Credential(username, LongTermCredentials.restPassword(secret, username), Instant.ofEpochSecond(expiry));
    }

    @Override
    public List<String> urls(String host) {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        List<String> urls = new ArrayList<>();
        if (port > 0) {
            urls.add("stun:" + h + ":" + port);
            urls.add("turn:" + h + ":" + port + "?transport=udp");
            urls.add("turn:" + h + ":" + port + "?transport=tcp");
        }
        if (tlsPort > 0) {
            urls.add("turns:" + h + ":" + tlsPort + "?transport=tcp");
        }
        return urls;
    }
}
