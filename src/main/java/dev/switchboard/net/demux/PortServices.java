package dev.switchboard.net.demux;

import io.netty.handler.ssl.SslContext;
import java.util.function.Supplier;

/**
 * What one shared TCP port serves. A null installer means the protocol is not on this port; {@code tls}
 * (the context current at accept time) is needed when {@code https} or {@code turns} is given.
 *
 * @param http  plain HTTP (and WebSocket)
 * @param turn  STUN/TURN framing over plain TCP (RFC 8656 section 3.1)
 * @param https HTTP behind TLS (and secure WebSocket)
 * @param turns STUN/TURN framing behind TLS
 */
public record PortServices(Installer http, Installer turn, Supplier<SslContext> tls, Installer https, Installer turns) {
    public PortServices {
        if ((https != null || turns != null) && tls == null) {
            throw new IllegalArgumentException("HTTPS or TURNS on a shared port needs a TLS context");
        }
    }

    /** True when a TLS ClientHello can be answered here. */
    boolean tlsServed() {
        return https != null || turns != null;
    }
}
