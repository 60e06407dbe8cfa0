package dev.switchboard.turn;

import dev.switchboard.config.TurnConfig;
import dev.switchboard.stun.AdditionalAddressFamily;
import dev.switchboard.stun.AddressErrorCode;
import dev.switchboard.stun.ErrorCode;
import dev.switchboard.stun.EvenPort;
import dev.switchboard.stun.Lifetime;
import dev.switchboard.stun.RequestedAddressFamily;
import dev.switchboard.stun.RequestedTransport;
import dev.switchboard.stun.ReservationToken;
import dev.switchboard.stun.StunAttribute;
import dev.switchboard.stun.StunMessage;
import dev.switchboard.stun.TransportAddress;
import dev.switchboard.stun.XorMappedAddress;
import dev.switchboard.stun.XorRelayedAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Allocate (RFC 8656 section 7.2; RFC 6156 for the address families): authentication, the 437 on a
 * reused 5-tuple (a retransmission gets the first answer again), REQUESTED-TRANSPORT, EVEN-PORT and
 * RESERVATION-TOKEN, the family attributes, the quotas, then a relay from the {@link RelayFactory}, or
 * for REQUESTED-TRANSPORT TCP over a TCP or TLS connection, a TCP relay (RFC 6062 section 5.1) when
 * they are enabled.
 */
final class AllocateHandler {
    static final long DEFAULT_LIFETIME_SECONDS = 600;

    private final TurnConfig config;
    private final Ticker ticker;
    private final RelayFactory relays;
    private final Reservations reservations;
    private final Allocations allocations;
    private final RequestChecks checks;
    private final Responder respond;
    private final RelayStats stats;
    private final TcpRelayFactory tcpRelays;
    private final TcpConnectionHandler tcp;

    AllocateHandler(TurnConfig config, Ticker ticker, RelayFactory relays, Reservations reservations,
            Allocations allocations, RequestChecks checks, Responder respond, RelayStats stats,
            TcpRelayFactory tcpRelays, TcpConnectionHandler tcp) {
        this.tcpRelays = tcpRelays;
        this.tcp = tcp;
        this.config = config;
        this.ticker = ticker;
        this.relays = relays;
        this.reservations = reservations;
        this.allocations = allocations;
        this.checks = checks;
        this.respond = respond;
        this.stats = stats;
    }

    void handle(ClientLink link, StunMessage m) {
        Authenticator.Result user = checks.authenticate(link, m);
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
        if (!checks.understood(link, m, user.key())) {
            return;
        }
        int refused = refusal(m, link.stream(), tcpRelays != null);
        if (refused != 0) {
            respond.error(link, m, user.key(), refused);
            return;
        }
        RequestedAddressFamily requested = m.get(RequestedAddressFamily.class);
        ReservationToken token = m.get(ReservationToken.class);
        // a claim of a reservation carries no REQUESTED-ADDRESS-FAMILY: the relay has the reserved one
        int family = token != null ? reservations.family(token.token())
                : requested == null ? TransportAddress.FAMILY_IPV4 : requested.family();
        int quota = allocations.reserve(user.username());
        if (quota != 0) {
            respond.error(link, m, user.key(), quota);
            return;
        }
        Allocation a = new Allocation(tuple, link, user.username(), user.key(), family, m.transactionId(), ticker,
                config.maxBandwidth(), stats.of(tuple.protocol()));
        if (!allocations.add(a)) {
            return; // a concurrent Allocate on the same 5-tuple won
        }
        RelayFactory.Opened opened = new Opened(link, m, user, a, lifetime(m, config), family,
                m.get(AdditionalAddressFamily.class) != null);
        if (m.get(RequestedTransport.class).protocol() == RequestedTransport.TCP) {
            tcpRelays.listen(link, family, connection -> tcp.accepted(a, connection), opened);
            return;
        }
        if (token != null) {
            Relay relay = reservations.take(token.token());
            if (relay == null) {
                opened.failed(ErrorCode.INSUFFICIENT_CAPACITY);
            } else {
                relay.attach(link, a, opened);
            }
            return;
        }
        EvenPort even = m.get(EvenPort.class);
        relays.open(link, family, even != null, even != null && even.reserveNext(), a, opened);
    }

    /** The error code for an Allocate whose attributes cannot be served together, or 0. */
    private static int refusal(StunMessage m, boolean stream, boolean tcpRelays) {
        RequestedTransport transport = m.get(RequestedTransport.class);
        if (transport == null) {
            return ErrorCode.BAD_REQUEST;
        }
        EvenPort even = m.get(EvenPort.class);
        ReservationToken token = m.get(ReservationToken.class);
        if (transport.protocol() == RequestedTransport.TCP && tcpRelays) {
            if (!stream || even != null || token != null) {
                return ErrorCode.BAD_REQUEST; // TCP relays are for TCP/TLS clients, without port reservations
            }
        } else if (transport.protocol() != RequestedTransport.UDP) {
            return ErrorCode.UNSUPPORTED_TRANSPORT_PROTOCOL;
        }
        RequestedAddressFamily requested = m.get(RequestedAddressFamily.class);
        AdditionalAddressFamily additional = m.get(AdditionalAddressFamily.class);
        if (token != null && (even != null || requested != null)) {
            return ErrorCode.BAD_REQUEST;
        }
        if (requested != null && additional != null) {
            return ErrorCode.BAD_REQUEST;
        }
        if (additional != null && additional.family() != TransportAddress.FAMILY_IPV6) {
            return ErrorCode.BAD_REQUEST;
        }
        int family = requested == null ? TransportAddress.FAMILY_IPV4 : requested.family();
        if (family != TransportAddress.FAMILY_IPV4 && family != TransportAddress.FAMILY_IPV6) {
            return ErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED;
        }
        return 0;
    }

    /** The granted lifetime in seconds: the request's LIFETIME clamped to [default, configured maximum]. */
    static long lifetime(StunMessage m, TurnConfig config) {
        Lifetime requested = m.get(Lifetime.class);
        long max = config.maxLifetime().toSeconds();
        long wanted = requested == null ? DEFAULT_LIFETIME_SECONDS : Math.min(requested.seconds(), max);
        return Math.min(max, Math.max(DEFAULT_LIFETIME_SECONDS, wanted));
    }

    /** Answers the Allocate once the relay socket is bound (or could not be). */
    private final class Opened implements RelayFactory.Opened {
        private final ClientLink link;
        private final StunMessage m;
        private final Authenticator.Result user;
        private final Allocation a;
        private final long lifetime;
        private final int family;
        private final boolean additional;

        Opened(ClientLink link, StunMessage m, Authenticator.Result user, Allocation a, long lifetime, int family,
                boolean additional) {
            this.link = link;
            this.m = m;
            this.user = user;
            this.a = a;
            this.lifetime = lifetime;
            this.family = family;
            this.additional = additional;
        }

        @Override
        public void relay(Relay relay, Relay reserved) {
            List<StunAttribute> attrs = new ArrayList<>();
            attrs.add(new XorRelayedAddress(TransportAddress.of(relay.advertised())));
            attrs.add(new Lifetime(lifetime));
            attrs.add(new XorMappedAddress(TransportAddress.of(a.tuple.client())));
            if (reserved != null) {
                attrs.add(new ReservationToken(reservations.hold(reserved, family)));
            }
            if (additional) {
                attrs.add(new AddressErrorCode(TransportAddress.FAMILY_IPV6, ErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED, ""));
            }
            byte[] response = respond.successBytes(m, user.key(), attrs);
            if (a.ready(relay, response, ticker.nanoTime() + TimeUnit.SECONDS.toNanos(lifetime))) {
                allocations.relayed(a);
                link.send(response);
            } else {
                relay.close();
            }
        }

        @Override
        public void failed(int errorCode) {
            allocations.abandon(a);
            respond.error(link, m, user.key(), errorCode);
        }
    }
}
