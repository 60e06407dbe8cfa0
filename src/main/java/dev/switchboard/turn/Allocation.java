package dev.switchboard.turn;

import dev.switchboard.stun.TransactionId;
import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * One allocation (RFC 8656 sections 5, 9, 12): its relay, lifetime, permissions and channel bindings.
 * Control changes are synchronized and publish fresh arrays; the relay path only reads those arrays
 * (a short linear scan, no map, no allocation) and checks expiry against the ticker.
 */
final class Allocation implements RelayReceiver {
    /** An installed permission for one peer IP (RFC 8656 section 9). */
    record Permission(InetAddress ip, long expiresAt) {}

    /** A channel bound to one peer transport address (RFC 8656 section 12). */
    record Channel(int number, InetSocketAddress peer, long expiresAt) {}

    private static final Permission[] NO_PERMISSIONS = {};
    private static final Channel[] NO_CHANNELS = {};

    final FiveTuple tuple;
    final ClientLink link;
    final String username;
    final byte[] key;
    final int family;
    final TransactionId allocateTransaction;
    private final Ticker ticker;
    private final ByteRate rate;
    private volatile Relay relay;
    private volatile byte[] allocateResponse;
    private volatile long expiresAt;
    private volatile boolean closed;
    private volatile Permission[] permissions = NO_PERMISSIONS;
    private volatile Channel[] channels = NO_CHANNELS;
    private final RelayStats.Counters counters;
    private final int maxFrame;
    private final int maxToPeer;

    Allocation(FiveTuple tuple, ClientLink link, String username, byte[] key, int family,
            TransactionId allocateTransaction, Ticker ticker, long bytesPerSecond, RelayStats.Counters counters) {
        this.counters = counters;
        this.tuple = tuple;
        this.link = link;
        this.username = username;
        this.key = key;
        this.family = family;
        this.allocateTransaction = allocateTransaction;
        this.ticker = ticker;
        this.rate = new ByteRate(bytesPerSecond, ticker);
        this.maxFrame = link.maxFrame();
        this.maxToPeer = family == dev.switchboard.stun.TransportAddress.FAMILY_IPV4 ? Frames.MAX_UDP_PAYLOAD_V4
                : Frames.MAX_UDP_PAYLOAD_V6;
    }

    // ---- control path ----

    /** Returns false when the allocation was closed meanwhile (the caller must close the relay). */
    synchronized boolean ready(Relay r, byte[] response, long expires) {
        if (closed) {
            return false;
        }
        this.relay = r;
        this.allocateResponse = response;
        this.expiresAt = expires;
        return true;
    }

    boolean closed() {
        return closed;
    }

    boolean pending() {
        return relay == null;
    }

    byte[] allocateResponse() {
        return allocateResponse;
    }

    Relay relay() {
        return relay;
    }

    synchronized void refresh(long expires) {
        this.expiresAt = expires;
    }

    boolean expired(long now) {
        return relay != null && now - expiresAt >= 0;
    }

    synchronized void close() {
        closed = true;
        Relay r = relay;
        if (r != null) {
            r.close();
        }
    }

    /** Installs or refreshes permissions for all {@code ips}; false (none installed) when over {@code max}. */
    synchronized boolean permit(InetAddress[] ips, long expires, int max) {
        java.util.List<Permission> next = new java.util.ArrayList<>(java.util.Arrays.asList(permissions));
        for (InetAddress ip : ips) {
            int i = indexOf(next, ip);
            if (i >= 0) {
                next.set(i, new Permission(ip, expires));
            } else {
                next.add(new Permission(ip, expires));
            }
        }
        if (next.size() > max) {
            return false;
        }
        permissions = next.toArray(NO_PERMISSIONS);
        return true;
    }

    private static int indexOf(java.util.List<Permission> ps, InetAddress ip) {
        for (int i = 0; i < ps.size(); i++) {
            if (ps.get(i).ip.equals(ip)) {
                return i;
            }
        }
        return -1;
    }

    enum BindResult { OK, CONFLICT, QUOTA }

    /** Binds or refreshes {@code number} to {@code peer} (RFC 8656 section 11.2). */
    synchronized BindResult bind(int number, InetSocketAddress peer, long expires, int max) {
        Channel[] current = channels;
        for (int i = 0; i < current.length; i++) {
            Channel c = current[i];
            boolean sameNumber = c.number == number;
            boolean samePeer = c.peer.equals(peer);
            if (sameNumber && samePeer) {
                Channel[] next = current.clone();
                next[i] = new Channel(number, peer, expires);
                channels = next;
                return BindResult.OK;
            }
            if (sameNumber || samePeer) {
                return BindResult.CONFLICT;
            }
        }
        if (current.length >= max) {
            return BindResult.QUOTA;
        }
        Channel[] next = java.util.Arrays.copyOf(current, current.length + 1);
        next[current.length] = new Channel(number, peer, expires);
        channels = next;
        return BindResult.OK;
    }

    /** Drops expired permissions and channels. */
    synchronized void prune(long now) {
        Permission[] ps = permissions;
        if (java.util.Arrays.stream(ps).anyMatch(p -> now - p.expiresAt >= 0)) {
            permissions = java.util.Arrays.stream(ps).filter(p -> now - p.expiresAt < 0).toArray(Permission[]::new);
        }
        Channel[] cs = channels;
        if (java.util.Arrays.stream(cs).anyMatch(c -> now - c.expiresAt >= 0)) {
            channels = java.util.Arrays.stream(cs).filter(c -> now - c.expiresAt < 0).toArray(Channel[]::new);
        }
    }

    int permissionCount() {
        return permissions.length;
    }

    int channelCount() {
        return channels.length;
    }

    // ---- relay path ----

    boolean permitted(InetAddress ip, long now) {
        Permission[] ps = permissions;
        for (Permission p : ps) {
            if (p.ip.equals(ip)) {
                return now - p.expiresAt < 0;
            }
        }
        return false;
    }

    /** ChannelData from the client; takes ownership of {@code payload}. */
    void fromClientChannel(int number, ByteBuf payload) {
        if (payload.readableBytes() > maxToPeer) {
            payload.release(); // more than one UDP datagram can carry to the peer
            return;
        }
        Relay r = relay;
        long now = ticker.nanoTime();
        for (Channel c : channels) {
            if (c.number == number) {
                if (r != null && now - c.expiresAt < 0 && permitted(c.peer.getAddress(), now)
                        && rate.take(payload.readableBytes(), now)) {
                    counters.toPeer(payload.readableBytes());
                    r.send(c.peer, payload);
                    return;
                }
                break;
            }
        }
        payload.release();
    }

    /** A Send indication's payload; takes ownership of {@code payload}. */
    void fromClientSend(InetSocketAddress peer, ByteBuf payload) {
        Relay r = relay;
        long now = ticker.nanoTime();
        if (r != null && payload.readableBytes() <= maxToPeer && permitted(peer.getAddress(), now) && rate.take(payload.readableBytes(), now)) {
            counters.toPeer(payload.readableBytes());
            r.send(peer, payload);
        } else {
            payload.release();
        }
    }

    @Override
    public void fromPeer(InetSocketAddress peer, ByteBuf payload) {
        long now = ticker.nanoTime();
        if (!permitted(peer.getAddress(), now) || !rate.take(payload.readableBytes(), now)) {
            return;
        }
        int length = payload.readableBytes();
        for (Channel c : channels) {
            if (c.peer.equals(peer)) {
                if (now - c.expiresAt < 0) {
                    if (Frames.channelDataLength(length, link.stream()) <= maxFrame) {
                        counters.toClient(length);
                        link.write(Frames.channelData(link.alloc(), c.number, payload, link.stream()));
                    }
                    return; // else too large to frame for this client: dropped whole, never cut
                }
                break;
            }
        }
        if (Frames.dataIndicationLength(peer.getAddress() instanceof java.net.Inet4Address, length) <= maxFrame) {
            counters.toClient(length);
            link.write(Frames.dataIndication(link.alloc(), peer, payload));
        }
    }
}
