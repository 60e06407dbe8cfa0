package dev.switchboard.turn;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Relays held back by EVEN-PORT with the R bit, until an Allocate presents the RESERVATION-TOKEN
 * (RFC 8656 sections 7.2 and 14.9); unclaimed ones are closed after 30 seconds.
 */
final class Reservations {
    static final long HOLD_SECONDS = 30;
    private final SecureRandom random = new SecureRandom();
    private final Map<Long, Held> held = new ConcurrentHashMap<>();
    private final Ticker ticker;

    private record Held(Relay relay, int family, long expiresAt) {}

    Reservations(Ticker ticker) {
        this.ticker = ticker;
    }

    byte[] hold(Relay relay, int family) {
        long token = random.nextLong();
        held.put(token, new Held(relay, family, ticker.nanoTime() + TimeUnit.SECONDS.toNanos(HOLD_SECONDS)));
        return ByteBuffer.allocate(8).putLong(token).array();
    }

    /** The address family of the relay reserved under {@code token} (IPv4 when there is none). */
    int family(byte[] token) {
        Held h = held.get(ByteBuffer.wrap(token).getLong());
        return h == null ? dev.switchboard.stun.TransportAddress.FAMILY_IPV4 : h.family;
    }

    /** The relay reserved under {@code token}, removed from the reservations; or null. */
    Relay take(byte[] token) {
        Held h = held.remove(ByteBuffer.wrap(token).getLong());
        if (h == null) {
            return null;
        }
        if (ticker.nanoTime() - h.expiresAt >= 0) {
            h.relay.close();
            return null;
        }
        return h.relay;
    }

    void sweep(long now) {
        for (Iterator<Held> it = held.values().iterator(); it.hasNext();) {
            Held h = it.next();
            if (now - h.expiresAt >= 0) {
                it.remove();
                h.relay.close();
            }
        }
    }

    void close() {
        held.values().forEach(h -> h.relay.close());
        held.clear();
    }
}
