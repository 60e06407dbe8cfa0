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
 * byte. A connection not bound within 30 seconds is closed.
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

    TcpConnectionHandler(Ticker ticker, Allocations allocations, RequestChecks checks, Responder respond) {
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
        if (existing != null && (existing.isOpen() || !peers.replace(pk, existing, CONNECTING))) {
            respond.error(link, m, key, ErrorCode.CONNECTION_ALREADY_EXISTS);
            return;
        }
        relay.connect(to, new TcpRelay.Connected() {
            @Override
            public void connected(PeerConnection connection) {
                peers.put(pk, connection);
                int id = hold(a, connection);
                respond.success(link, m, key, List.of(new ConnectionId(id)));
            }

            @Override
            public void failed() {
                peers.remove(pk, CONNECTING);
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
        peers.put(new PeerKey(a.tuple, from), connection);
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
        peers.values().removeIf(c -> c != CONNECTING && !c.isOpen());
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
