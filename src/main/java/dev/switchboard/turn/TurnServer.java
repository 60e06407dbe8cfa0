package dev.switchboard.turn;

import dev.switchboard.config.TurnConfig;
import dev.switchboard.stun.AdditionalAddressFamily;
import dev.switchboard.stun.AddressErrorCode;
import dev.switchboard.stun.ChannelNumber;
import dev.switchboard.stun.Data;
import dev.switchboard.stun.DontFragment;
import dev.switchboard.stun.ErrorCode;
import dev.switchboard.stun.EvenPort;
import dev.switchboard.stun.Lifetime;
import dev.switchboard.stun.MessageClass;
import dev.switchboard.stun.RequestedAddressFamily;
import dev.switchboard.stun.RequestedTransport;
import dev.switchboard.stun.ReservationToken;
import dev.switchboard.stun.StunAttribute;
import dev.switchboard.stun.StunMessage;
import dev.switchboard.stun.StunMethod;
import dev.switchboard.stun.TransportAddress;
import dev.switchboard.stun.UnknownAttributes;
import dev.switchboard.stun.XorMappedAddress;
import dev.switchboard.stun.XorPeerAddress;
import dev.switchboard.stun.XorRelayedAddress;
import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The STUN/TURN state machine: Binding (RFC 8489), and Allocate, Refresh, CreatePermission, ChannelBind,
 * Send (RFC 8656 sections 7 to 12), with long-term authentication ({@link Authenticator}), the peer
 * policy and the quotas. It owns no sockets: clients reach it through {@link ClientLink}s, relays come
 * from a {@link RelayFactory}, time from a {@link Ticker}, so tests drive it in memory.
 */
public final class TurnServer {
    private final RelayStats stats = new RelayStats();
    static final long DEFAULT_LIFETIME_SECONDS = 600;
    static final long PERMISSION_LIFETIME_SECONDS = 300;
    static final long CHANNEL_LIFETIME_SECONDS = 600;

    private final TurnConfig config;
    private final Ticker ticker;
    private final RelayFactory relays;
    private final PeerPolicy peers;
    private final Authenticator auth;
    private final Responder respond = new Responder();
    private final Reservations reservations;
    private final ConcurrentHashMap<FiveTuple, Allocation> allocations = new ConcurrentHashMap<>();
    private final Map<String, Integer> perUser = new HashMap<>();
    private int total;

    public TurnServer(TurnConfig config, byte[] secret, Ticker ticker, RelayFactory relays) {
        this.config = config;
        this.ticker = ticker;
        this.relays = relays;
        this.reservations = new Reservations(ticker);
        this.peers = new PeerPolicy(config.denyPeers(), config.allowPeers());
        this.auth = new Authenticator(config.realm(),
                new LongTermCredentials(config.realm(), config.userPasswords(), secret, ticker),
                new Nonces(ticker, config.nonceLifetime().toSeconds()), respond);
    }

    /** A decoded STUN message from the client behind {@code link}. */
    public void onStun(ClientLink link, StunMessage m) {
        if (m.messageClass() == MessageClass.INDICATION) {
            if (m.method() == StunMethod.SEND) {
                onSend(link, m);
            }
            return;
        }
        if (m.messageClass() != MessageClass.REQUEST) {
            return;
        }
        switch (m.method()) {
            case StunMethod.BINDING -> respond.success(link, m, null,
                    List.of(new XorMappedAddress(TransportAddress.of(link.fiveTuple().client()))));
            case StunMethod.ALLOCATE -> allocate(link, m);
            case StunMethod.REFRESH -> refresh(link, m);
            case StunMethod.CREATE_PERMISSION -> createPermission(link, m);
            case StunMethod.CHANNEL_BIND -> channelBind(link, m);
            default -> respond.error(link, m, null, ErrorCode.BAD_REQUEST);
        }
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

    /** The client's connection is gone (TCP/TLS): its allocation goes with it (RFC 8656 section 3.1). */
    public void linkClosed(FiveTuple tuple) {
        Allocation a = allocations.remove(tuple);
        if (a != null) {
            release(a);
        }
    }

    /** Deletes expired allocations and drops expired permissions and channels; call about once a second. */
    public void sweep() {
        long now = ticker.nanoTime();
        reservations.sweep(now);
        for (Allocation a : allocations.values()) {
            if (a.expired(now)) {
                if (allocations.remove(a.tuple, a)) {
                    release(a);
                }
            } else {
                a.prune(now);
            }
        }
    }

    public boolean hasAllocation(FiveTuple tuple) {
        return allocations.containsKey(tuple);
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
        for (FiveTuple t : List.copyOf(allocations.keySet())) {
            linkClosed(t);
        }
        reservations.close();
    }

    // ---- Allocate (RFC 8656 section 7.2) ----

    private void allocate(ClientLink link, StunMessage m) {
        Authenticator.Result user = auth.check(link, m);
        if (user == null) {
            return;
        }
        FiveTuple tuple = link.fiveTuple();
        Allocation existing = allocations.get(tuple);
        if (existing != null) {
            if (existing.allocateTransaction.equals(m.transactionId()) && existing.username.equals(user.username())) {
                byte[] cached = existing.allocateResponse();
                if (cached != null) {
                    link.send(cached); // a retransmission: same answer
                }
                return;
            }
            respond.error(link, m, user.key(), ErrorCode.ALLOCATION_MISMATCH);
            return;
        }
        if (!unknown(link, m, user.key())) {
            return;
        }
        RequestedTransport transport = m.get(RequestedTransport.class);
        if (transport == null) {
            respond.error(link, m, user.key(), ErrorCode.BAD_REQUEST);
            return;
        }
        if (transport.protocol() != RequestedTransport.UDP) {
            respond.error(link, m, user.key(), ErrorCode.UNSUPPORTED_TRANSPORT_PROTOCOL);
            return;
        }
        EvenPort even = m.get(EvenPort.class);
        ReservationToken token = m.get(ReservationToken.class);
        RequestedAddressFamily requested = m.get(RequestedAddressFamily.class);
        AdditionalAddressFamily additional = m.get(AdditionalAddressFamily.class);
        if (token != null && (even != null || requested != null)) {
            respond.error(link, m, user.key(), ErrorCode.BAD_REQUEST);
            return;
        }
        if (requested != null && additional != null) {
            respond.error(link, m, user.key(), ErrorCode.BAD_REQUEST);
            return;
        }
        if (additional != null && additional.family() != TransportAddress.FAMILY_IPV6) {
            respond.error(link, m, user.key(), ErrorCode.BAD_REQUEST);
            return;
        }
        int family = requested == null ? TransportAddress.FAMILY_IPV4 : requested.family();
        if (family != TransportAddress.FAMILY_IPV4 && family != TransportAddress.FAMILY_IPV6) {
            respond.error(link, m, user.key(), ErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED);
            return;
        }
        int quota = reserve(user.username());
        if (quota != 0) {
            respond.error(link, m, user.key(), quota);
            return;
        }
        Allocation a = new Allocation(tuple, link, user.username(), user.key(), family, m.transactionId(), ticker,
                config.maxBandwidth(), stats.of(tuple.protocol()));
        if (allocations.putIfAbsent(tuple, a) != null) {
            unreserve(user.username());
            return; // a concurrent Allocate on the same 5-tuple won
        }
        long lifetime = lifetime(m);
        RelayFactory.Opened opened = new RelayFactory.Opened() {
            @Override
            public void relay(Relay relay, Relay reserved) {
                List<StunAttribute> attrs = new ArrayList<>();
                attrs.add(new XorRelayedAddress(TransportAddress.of(relay.advertised())));
                attrs.add(new Lifetime(lifetime));
                attrs.add(new XorMappedAddress(TransportAddress.of(tuple.client())));
                if (reserved != null) {
                    attrs.add(new ReservationToken(reservations.hold(reserved, family)));
                }
                if (additional != null) {
                    attrs.add(new AddressErrorCode(TransportAddress.FAMILY_IPV6, ErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED, ""));
                }
                byte[] response = respond.successBytes(m, user.key(), attrs);
                if (a.ready(relay, response, ticker.nanoTime() + TimeUnit.SECONDS.toNanos(lifetime))) {
                    link.send(response);
                } else {
                    relay.close();
                }
            }

            @Override
            public void failed(int errorCode) {
                if (allocations.remove(tuple, a)) {
                    unreserve(user.username());
                }
                respond.error(link, m, user.key(), errorCode);
            }
        };
        if (token != null) {
            Relay relay = reservations.take(token.token(), family);
            if (relay == null) {
                opened.failed(ErrorCode.INSUFFICIENT_CAPACITY);
            } else {
                relay.attach(a);
                opened.relay(relay, null);
            }
            return;
        }
        relays.open(link, family, even != null, even != null && even.reserveNext(), a, opened);
    }

    private long lifetime(StunMessage m) {
        Lifetime requested = m.get(Lifetime.class);
        long max = config.maxLifetime().toSeconds();
        long wanted = requested == null ? DEFAULT_LIFETIME_SECONDS : Math.min(requested.seconds(), max);
        return Math.min(max, Math.max(DEFAULT_LIFETIME_SECONDS, wanted));
    }

    /** 0 when an allocation may be made for {@code user}, else the error code (RFC 8656 section 7.2 step 10). */
    private synchronized int reserve(String user) {
        int mine = perUser.getOrDefault(user, 0);
        if (mine >= config.maxAllocationsPerUser()) {
            return ErrorCode.ALLOCATION_QUOTA_REACHED;
        }
        if (total >= config.maxAllocations()) {
            return ErrorCode.INSUFFICIENT_CAPACITY;
        }
        perUser.put(user, mine + 1);
        total++;
        return 0;
    }

    private synchronized void unreserve(String user) {
        perUser.computeIfPresent(user, (k, v) -> v <= 1 ? null : v - 1);
        total--;
    }

    private void release(Allocation a) {
        a.close();
        unreserve(a.username);
    }

    // ---- Refresh, CreatePermission, ChannelBind (RFC 8656 sections 8, 10, 12) ----

    /** The allocation on the link's 5-tuple for an authenticated request, or null after answering. */
    private Allocation owned(ClientLink link, StunMessage m, Authenticator.Result user) {
        Allocation a = allocations.get(link.fiveTuple());
        if (a == null || a.pending()) {
            respond.error(link, m, user.key(), ErrorCode.ALLOCATION_MISMATCH);
            return null;
        }
        if (!a.username.equals(user.username())) {
            respond.error(link, m, user.key(), ErrorCode.WRONG_CREDENTIALS);
            return null;
        }
        return unknown(link, m, user.key()) ? a : null;
    }

    private void refresh(ClientLink link, StunMessage m) {
        Authenticator.Result user = auth.check(link, m);
        Allocation a = user == null ? null : owned(link, m, user);
        if (a == null) {
            return;
        }
        RequestedAddressFamily family = m.get(RequestedAddressFamily.class);
        if (family != null && family.family() != a.family) {
            respond.error(link, m, user.key(), ErrorCode.PEER_ADDRESS_FAMILY_MISMATCH);
            return;
        }
        Lifetime requested = m.get(Lifetime.class);
        long lifetime = requested != null && requested.seconds() == 0 ? 0 : lifetime(m);
        if (lifetime == 0) {
            if (allocations.remove(a.tuple, a)) {
                release(a);
            }
        } else {
            a.refresh(ticker.nanoTime() + TimeUnit.SECONDS.toNanos(lifetime));
        }
        respond.success(link, m, user.key(), List.of(new Lifetime(lifetime)));
    }

    private void createPermission(ClientLink link, StunMessage m) {
        Authenticator.Result user = auth.check(link, m);
        Allocation a = user == null ? null : owned(link, m, user);
        if (a == null) {
            return;
        }
        List<XorPeerAddress> addresses = m.all(XorPeerAddress.class);
        if (addresses.isEmpty()) {
            respond.error(link, m, user.key(), ErrorCode.BAD_REQUEST);
            return;
        }
        InetAddress[] ips = new InetAddress[addresses.size()];
        for (int i = 0; i < ips.length; i++) {
            TransportAddress peer = addresses.get(i).address();
            int code = checkPeer(a, peer);
            if (code != 0) {
                respond.error(link, m, user.key(), code);
                return;
            }
            ips[i] = peer.toSocketAddress().getAddress();
        }
        long expires = ticker.nanoTime() + TimeUnit.SECONDS.toNanos(PERMISSION_LIFETIME_SECONDS);
        if (!a.permit(ips, expires, config.maxPermissions())) {
            respond.error(link, m, user.key(), ErrorCode.INSUFFICIENT_CAPACITY);
            return;
        }
        respond.success(link, m, user.key(), List.of());
    }

    private void channelBind(ClientLink link, StunMessage m) {
        Authenticator.Result user = auth.check(link, m);
        Allocation a = user == null ? null : owned(link, m, user);
        if (a == null) {
            return;
        }
        ChannelNumber number = m.get(ChannelNumber.class);
        XorPeerAddress peer = m.get(XorPeerAddress.class);
        if (number == null || peer == null || !number.valid() || peer.address().port() == 0) {
            respond.error(link, m, user.key(), ErrorCode.BAD_REQUEST);
            return;
        }
        int code = checkPeer(a, peer.address());
        if (code != 0) {
            respond.error(link, m, user.key(), code);
            return;
        }
        InetSocketAddress to = peer.address().toSocketAddress();
        long now = ticker.nanoTime();
        Allocation.BindResult bound = a.bind(number.number(), to,
                now + TimeUnit.SECONDS.toNanos(CHANNEL_LIFETIME_SECONDS), config.maxChannels());
        if (bound == Allocation.BindResult.OK && !a.permit(new InetAddress[] {to.getAddress()},
                now + TimeUnit.SECONDS.toNanos(PERMISSION_LIFETIME_SECONDS), config.maxPermissions())) {
            bound = Allocation.BindResult.QUOTA;
        }
        switch (bound) {
            case OK -> respond.success(link, m, user.key(), List.of());
            case CONFLICT -> respond.error(link, m, user.key(), ErrorCode.BAD_REQUEST);
            case QUOTA -> respond.error(link, m, user.key(), ErrorCode.INSUFFICIENT_CAPACITY);
        }
    }

    /** 0, 403 for a peer the policy refuses (checked first, whatever the family), or 443 for the wrong family. */
    private int checkPeer(Allocation a, TransportAddress peer) {
        if (!peers.allowed(peer.ip())) {
            return ErrorCode.FORBIDDEN;
        }
        return peer.family() == a.family ? 0 : ErrorCode.PEER_ADDRESS_FAMILY_MISMATCH;
    }

    /** False (after a 420 answer) when the request carries comprehension-required attributes we do not know. */
    private boolean unknown(ClientLink link, StunMessage m, byte[] key) {
        List<Integer> unknown = new ArrayList<>(m.unknownRequired());
        if (m.has(dev.switchboard.stun.AttributeType.DONT_FRAGMENT) && m.method() == StunMethod.ALLOCATE) {
            unknown.add(dev.switchboard.stun.AttributeType.DONT_FRAGMENT); // DF cannot be set on relayed datagrams here
        }
        if (unknown.isEmpty()) {
            return true;
        }
        respond.error(link, m, key, ErrorCode.UNKNOWN_ATTRIBUTE, new UnknownAttributes(unknown));
        return false;
    }

    // ---- Send indication (RFC 8656 section 11.2) ----

    private void onSend(ClientLink link, StunMessage m) {
        Allocation a = allocations.get(link.fiveTuple());
        XorPeerAddress peer = m.get(XorPeerAddress.class);
        Data data = m.get(Data.class);
        if (a == null || peer == null || data == null || m.get(DontFragment.class) != null
                || peer.address().family() != a.family || !peers.allowed(peer.address().ip())) {
            return;
        }
        ByteBuf payload = link.alloc().directBuffer(data.bytes().length).writeBytes(data.bytes());
        a.fromClientSend(peer.address().toSocketAddress(), payload);
    }
}
