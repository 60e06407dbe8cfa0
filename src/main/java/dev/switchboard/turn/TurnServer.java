package dev.switchboard.turn;

import dev.switchboard.config.TurnConfig;
import dev.switchboard.net.PerSourceRate;
import dev.switchboard.stun.AttributeType;
import dev.switchboard.stun.Data;
import dev.switchboard.stun.DontFragment;
import dev.switchboard.stun.ErrorCode;
import dev.switchboard.stun.MessageClass;
import dev.switchboard.stun.StunMessage;
import dev.switchboard.stun.StunMethod;
import dev.switchboard.stun.TransportAddress;
import dev.switchboard.stun.UnknownAttributes;
import dev.switchboard.stun.XorMappedAddress;
import dev.switchboard.stun.XorPeerAddress;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * The STUN/TURN state machine: Binding (RFC 8489) answered here, and Allocate, Refresh,
 * CreatePermission, ChannelBind (RFC 8656 sections 7 to 12), Connect and ConnectionBind (RFC 6062)
 * dispatched to their handlers; Send
 * indications and ChannelData go to the allocation on their 5-tuple. It owns no sockets: clients reach
 * it through {@link ClientLink}s, relays come from a {@link RelayFactory}, time from a {@link Ticker},
 * so tests drive it in memory.
 */
public final class TurnServer {
    private final RelayStats stats = new RelayStats();
    private final Ticker ticker;
    private final PerSourceRate budget;
    private final Responder respond;
    private final Reservations reservations;
    private final Allocations allocations;
    private final RequestChecks checks;
    private final AllocateHandler allocate;
    private final RefreshHandler refresh;
    private final PermissionHandler permissions;
    private final TcpConnectionHandler tcp;

    public TurnServer(TurnConfig config, byte[] secret, Ticker ticker, RelayFactory relays) {
        this(config, secret, ticker, relays, null);
    }

    /** With {@code tcpRelays} null, an Allocate for a TCP relay is answered 442 (RFC 6062 off). */
    public TurnServer(TurnConfig config, byte[] secret, Ticker ticker, RelayFactory relays, TcpRelayFactory tcpRelays) {
        this.ticker = ticker;
        this.budget = new PerSourceRate(config.unauthenticatedRate(), config.unauthenticatedBurst(),
                config.unauthenticatedSources());
        this.respond = new Responder(budget, ticker);
        this.reservations = new Reservations(ticker);
        this.allocations = new Allocations(config);
        Authenticator auth = new Authenticator(config.realm(),
                new LongTermCredentials(config.realm(), config.userPasswords(), secret, ticker),
                new Nonces(ticker, config.nonceLifetime().toSeconds()), respond);
        this.checks = new RequestChecks(auth, allocations, new PeerPolicy(config.denyPeers(), config.allowPeers()),
                respond);
        this.tcp = new TcpConnectionHandler(ticker, allocations, checks, respond, config.maxTcpConnections());
        this.allocate = new AllocateHandler(config, ticker, relays, reservations, allocations, checks, respond, stats,
                tcpRelays, tcp);
        this.refresh = new RefreshHandler(config, ticker, allocations, checks, respond);
        this.permissions = new PermissionHandler(config, ticker, checks, respond);
    }

    /** A decoded STUN message from the client behind {@code link}. */
    public void onStun(ClientLink link, StunMessage m) {
        if (m.messageClass() == MessageClass.INDICATION) {
            if (m.method() == StunMethod.SEND) {
                onSend(link, m);
            }
            return;
        }
        if (m.messageClass() != MessageClass.REQUEST || undeserving(m)) {
            return;
        }
        switch (m.method()) {
            case StunMethod.BINDING -> binding(link, m);
            case StunMethod.ALLOCATE -> allocate.handle(link, m);
            case StunMethod.REFRESH -> refresh.handle(link, m);
            case StunMethod.CREATE_PERMISSION -> permissions.createPermission(link, m);
            case StunMethod.CHANNEL_BIND -> permissions.channelBind(link, m);
            case StunMethod.CONNECT -> tcp.connect(link, m);
            case StunMethod.CONNECTION_BIND -> tcp.connectionBind(link, m);
            default -> respond.error(link, m, null, ErrorCode.BAD_REQUEST);
        }
    }

    /**
     * True for a request too malformed to deserve an answer, which would only feed a reflection flood:
     * one without MESSAGE-INTEGRITY of a method this server does not have, or an unauthenticated Allocate
     * without REQUESTED-TRANSPORT (no client asks for an allocation without saying which transport).
     */
    private static boolean undeserving(StunMessage m) {
        if (m.hasIntegrity()) {
            return false;
        }
        return switch (m.method()) {
            case StunMethod.BINDING, StunMethod.REFRESH, StunMethod.CREATE_PERMISSION, StunMethod.CHANNEL_BIND,
                    StunMethod.CONNECT, StunMethod.CONNECTION_BIND -> false;
            case StunMethod.ALLOCATE -> !m.has(AttributeType.REQUESTED_TRANSPORT);
            default -> true;
        };
    }

    /** Binding (RFC 8489 section 6.3.1): 420 for comprehension-required attributes we do not know, else the mapped address. */
    private void binding(ClientLink link, StunMessage m) {
        if (!m.unknownRequired().isEmpty()) {
            respond.error(link, m, null, ErrorCode.UNKNOWN_ATTRIBUTE, new UnknownAttributes(m.unknownRequired()));
            return;
        }
        respond.success(link, m, null, List.of(new XorMappedAddress(TransportAddress.of(link.fiveTuple().client()))));
    }

    /** ChannelData from the client on {@code tuple}; takes ownership of {@code payload}. */
    public void onChannelData(FiveTuple tuple, int channel, ByteBuf payload) {
        Allocation a = allocations.get(tuple);
        if (a == null) {
            payload.release();
        } else {
            a.fromClientChannel(channel, payload);
        }
    }

    /** A Send indication (RFC 8656 section 11.2): relayed when well-formed and permitted, else dropped silently. */
    private void onSend(ClientLink link, StunMessage m) {
        Allocation a = allocations.get(link.fiveTuple());
        XorPeerAddress peer = m.get(XorPeerAddress.class);
        Data data = m.get(Data.class);
        if (a == null || peer == null || data == null || m.get(DontFragment.class) != null
                || peer.address().family() != a.family || !checks.permitted(a, peer.address())) {
            return;
        }
        ByteBuf payload = link.alloc().directBuffer(data.bytes().length).writeBytes(data.bytes());
        a.fromClientSend(peer.address().toSocketAddress(), payload);
    }

    /** The client's connection is gone (TCP/TLS): its allocation goes with it (RFC 8656 section 3.1). */
    public void linkClosed(FiveTuple tuple) {
        allocations.delete(tuple);
    }

    /** Deletes expired allocations and drops expired permissions and channels; call about once a second. */
    public void sweep() {
        long now = ticker.nanoTime();
        reservations.sweep(now);
        budget.sweep(now);
        allocations.sweep(now);
        tcp.sweep(now);
    }

    public boolean hasAllocation(FiveTuple tuple) {
        return allocations.get(tuple) != null;
    }

    /** Relayed packets and bytes per transport and direction. */
    public RelayStats stats() {
        return stats;
    }

    public int allocationCount() {
        return allocations.size();
    }

    /** Closes every allocation (server shutdown). */
    public void close() {
        allocations.closeAll();
        reservations.close();
    }
}
