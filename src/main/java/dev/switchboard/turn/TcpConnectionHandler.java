package dev.switchboard.turn;

import dev.switchboard.stun.ConnectionId;
import dev.switchboard.stun.ErrorCode;
import dev.switchboard.stun.MessageClass;
import dev.switchboard.stun.MessageType;
import dev.switchboard.stun.StunEncoder;
import dev.switchboard.stun.StunMessage;
import dev.switchboard.stun.StunMethod;
import dev.switchboard.stun.TransactionId;
import dev.switchboard.stun.TransportAddress;
import dev.switchboard.stun.XorPeerAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * TCP relay connections (RFC 6062 sections 5.2 to 5.4): Connect opens a connection from a TCP
 * allocation's relay to a peer; a peer connecting to the relay (with a permission) is announced to the
 * client with a ConnectionAttempt indication; either way the connection waits, under a CONNECTION-ID,
 * for the client to open a new TCP connection and send ConnectionBind, which joins the two byte for
 * byte. A connection not bound within 30 seconds is closed. An allocation holds at most the configured
 * number of peer connections (connecting, waiting for their bind, or spliced): a Connect past it is
 * answered 486 and a peer connecting in past it is closed unannounced.
 */
final class TcpConnectionHandler {
    static final long BIND_TIMEOUT_SECONDS = 30;

    /** A peer connection waiting for its ConnectionBind. */
    private record Pending(Allocation allocation, PeerConnection connection, long deadline) {}

    /** An allocation's connection to one peer address (for 446). */
    private record PeerKey(FiveTuple allocation, InetSocketAddress peer) {}

    private static final PeerConnection CONNECTING = new PeerConnection() {
        @Override
        public InetSocketAddress peer() {
            return null;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {}
    };

    private final Ticker ticker;
    private final Allocations allocations;
    private final RequestChecks checks;
    private final Responder respond;
    private final ConcurrentHashMap<Integer, Pending> pending = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<PeerKey, PeerConnection> peers = new ConcurrentHashMap<>();
    /** Entries of {@link #peers} per allocation, kept with every insert and removal there. */
    private final ConcurrentHashMap<FiveTuple, Integer> counts = new ConcurrentHashMap<>();
    private final int maxPerAllocation;

    TcpConnectionHandler(Ticker ticker, Allocations allocations, RequestChecks checks, Responder respond,
            int maxPerAllocation) {
        this.maxPerAllocation = maxPerAllocation;
        this.ticker = ticker;
        this.allocations = allocations;
        this.checks = checks;
        this.respond = respond;
    }

    /** Connect (section 5.2). */
    void connect(ClientLink link, StunMessage m) {
        RequestChecks.Owned owned = checks.owned(link, m);
        if (owned == null) {
            return;
        }
        Allocation a = owned.allocation();
        byte[] key = owned.key();
        XorPeerAddress peer = m.get(XorPeerAddress.class);
        if (!(a.relay() instanceof TcpRelay relay) || peer == null || peer.address().port() == 0) {
            respond.error(link, m, key, ErrorCode.BAD_REQUEST);
            return;
        }
        int code = checks.peer(a, peer.address());
        if (code != 0) {
            respond.error(link, m, key, code);
            return;
        }
        InetSocketAddress to = peer.address().toSocketAddress();
        PeerKey pk = new PeerKey(a.tuple, to);
        PeerConnection existing = peers.putIfAbsent(pk, CONNECTING);
        if (existing == null) {
            if (!claim(a.tuple)) {
                peers.remove(pk, CONNECTING);
                respond.error(link, m, key, ErrorCode.ALLOCATION_QUOTA_REACHED);
                return;
            }
        } else if (existing.isOpen() || !peers.replace(pk, existing, CONNECTING)) {
            respond.error(link, m, key, ErrorCode.CONNECTION_ALREADY_EXISTS);
            return;
        } // else a closed entry, already counted, now reused
        relay.connect(to, new TcpRelay.Connected() {
            @Override
            public void connected(PeerConnection connection) {
                peers.put(pk, connection);
                int id = hold(a, connection);
                respond.success(link, m, key, List.of(new ConnectionId(id)));
            }

            @Override
            public void failed() {
                if (peers.remove(pk, CONNECTING)) {
                    release(pk.allocation());
                }
                respond.error(link, m, key, ErrorCode.CONNECTION_TIMEOUT_OR_FAILURE);
            }
        });
    }

    /** A peer connected to {@code a}'s relay (section 5.3): announced when permitted, else closed. */
    void accepted(Allocation a, PeerConnection connection) {
        InetSocketAddress from = connection.peer();
        if (!a.permitted(from.getAddress(), ticker.nanoTime())
                || !checks.allowed(TransportAddress.of(from))) {
            connection.close();
            return;
        }
        if (!claim(a.tuple)) {
            connection.close();
            return;
        }
        PeerConnection replaced = peers.put(new PeerKey(a.tuple, from), connection);
        if (replaced != null) {
            release(a.tuple);
            replaced.close();
        }
        int id = hold(a, connection);
        a.link.send(StunEncoder.encode(StunMessage.of(new MessageType(StunMethod.CONNECTION_ATTEMPT,
                MessageClass.INDICATION), TransactionId.random(), new XorPeerAddress(TransportAddress.of(from)),
                new ConnectionId(id))));
    }

    /** ConnectionBind (section 5.4), on a new client connection. */
    void connectionBind(ClientLink link, StunMessage m) {
        Authenticator.Result user = checks.authenticate(link, m);
        if (user == null || !checks.understood(link, m, user.key())) {
            return;
        }
        ConnectionId id = m.get(ConnectionId.class);
        if (!link.stream() || id == null || allocations.get(link.fiveTuple()) != null) {
            respond.error(link, m, user.key(), ErrorCode.BAD_REQUEST);
            return;
        }
        Pending p = pending.get(id.id());
        if (p == null || ticker.nanoTime() - p.deadline >= 0 || !p.connection.isOpen()) {
            respond.error(link, m, user.key(), ErrorCode.BAD_REQUEST);
            return;
        }
        if (!p.allocation.username.equals(user.username())) {
            respond.error(link, m, user.key(), ErrorCode.WRONG_CREDENTIALS);
            return;
        }
        if (!pending.remove(id.id(), p)) {
            respond.error(link, m, user.key(), ErrorCode.BAD_REQUEST);
            return;
        }
        respond.success(link, m, user.key(), List.of());
        if (!link.splice(p.connection)) {
            p.connection.close();
        }
    }

    /** Closes connections whose ConnectionBind did not come in time, and forgets closed ones. */
    void sweep(long now) {
        pending.values().removeIf(p -> {
            if (now - p.deadline >= 0 || p.allocation.closed()) {
                p.connection.close();
                return true;
            }
            return false;
        });
        peers.entrySet().removeIf(e -> {
            PeerConnection c = e.getValue();
            if (c != CONNECTING && !c.isOpen()) {
                release(e.getKey().allocation());
                return true;
            }
            return false;
        });
    }

    /** Peer connections counted for {@code allocation} (tests, metrics). */
    int connections(FiveTuple allocation) {
        return counts.getOrDefault(allocation, 0);
    }

    /** Counts one more peer connection for {@code allocation}; false (nothing counted) when at the limit. */
    private boolean claim(FiveTuple allocation) {
        boolean[] ok = {false};
        counts.compute(allocation, (k, n) -> {
            int have = n == null ? 0 : n;
            if (have >= maxPerAllocation) {
                return n;
            }
            ok[0] = true;
            return have + 1;
        });
        return ok[0];
    }

    private void release(FiveTuple allocation) {
        counts.computeIfPresent(allocation, (k, n) -> n <= 1 ? null : n - 1);
    }

    private int hold(Allocation a, PeerConnection connection) {
        long deadline = ticker.nanoTime() + TimeUnit.SECONDS.toNanos(BIND_TIMEOUT_SECONDS);
        Pending p = new Pending(a, connection, deadline);
        while (true) {
            int id = ThreadLocalRandom.current().nextInt();
            if (pending.putIfAbsent(id, p) == null) {
                return id;
            }
        }
    }
}
