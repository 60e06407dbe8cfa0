package dev.switchboard.turn;

import dev.switchboard.stun.AttributeType;
import dev.switchboard.stun.ErrorCode;
import dev.switchboard.stun.StunMessage;
import dev.switchboard.stun.StunMethod;
import dev.switchboard.stun.TransportAddress;
import dev.switchboard.stun.UnknownAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks every TURN request handler shares: long-term authentication (RFC 8489 section 9.2), 420 for
 * comprehension-required attributes we do not know (section 14), the allocation on the request's
 * 5-tuple (437 and 441, RFC 8656 section 5), and the peer policy (403, or 443 for the wrong family).
 * The relayed address of another live UDP allocation of this server is always a permitted peer, whatever
 * the policy says of its IP: two relay-only clients of one server reach each other through it even
 * when its relay addresses are loopback or private (a server on a LAN, the connectivity test's
 * relay-only pair). Only that exact address and port is opened, not the rest of the host.
 * Each check that fails has already answered.
 */
final class RequestChecks {
    private final Authenticator auth;
    private final Allocations allocations;
    private final PeerPolicy peers;
    private final Responder respond;

    RequestChecks(Authenticator auth, Allocations allocations, PeerPolicy peers, Responder respond) {
        this.auth = auth;
        this.allocations = allocations;
        this.peers = peers;
        this.respond = respond;
    }

    /** The authenticated user, or null after answering. */
    Authenticator.Result authenticate(ClientLink link, StunMessage m) {
        return auth.check(link, m);
    }

    /** An authenticated request's allocation and the key its answer is signed with. */
    record Owned(Allocation allocation, byte[] key) {}

    /** The allocation on the link's 5-tuple for an authenticated, understood request, or null after answering. */
    Owned owned(ClientLink link, StunMessage m) {
        Authenticator.Result user = auth.check(link, m);
        if (user == null) {
            return null;
        }
        if (!understood(link, m, user.key())) {
            return null;
        }
        Allocation a = allocations.get(link.fiveTuple());
        if (a == null || a.pending()) {
            respond.error(link, m, user.key(), ErrorCode.ALLOCATION_MISMATCH);
            return null;
        }
        if (!a.username.equals(user.username())) {
            respond.error(link, m, user.key(), ErrorCode.WRONG_CREDENTIALS);
            return null;
        }
        return new Owned(a, user.key());
    }

    /** False (after a 420 answer) when the request carries comprehension-required attributes we do not know. */
    boolean understood(ClientLink link, StunMessage m, byte[] key) {
        List<Integer> unknown = new ArrayList<>(m.unknownRequired());
        if (m.has(AttributeType.DONT_FRAGMENT) && m.method() == StunMethod.ALLOCATE) {
            unknown.add(AttributeType.DONT_FRAGMENT); // DF cannot be set on relayed datagrams here
        }
        if (unknown.isEmpty()) {
            return true;
        }
        respond.error(link, m, key, ErrorCode.UNKNOWN_ATTRIBUTE, new UnknownAttributes(unknown));
        return false;
    }

    /** 0, 403 for a peer the policy refuses (checked first, whatever the family), or 443 for the wrong family. */
    int peer(Allocation a, TransportAddress peer) {
        if (!permitted(a, peer)) {
            return ErrorCode.FORBIDDEN;
        }
        return peer.family() == a.family ? 0 : ErrorCode.PEER_ADDRESS_FAMILY_MISMATCH;
    }

    /** True when the policy lets {@code peer} be relayed to. */
    boolean allowed(TransportAddress peer) {
        return peers.allowed(peer.ip());
    }

    /**
     * True when {@code a} may relay to {@code peer}: the policy allows it, or {@code a} is a UDP
     * allocation and {@code peer} the relayed address of another of this server's UDP allocations (a TCP
     * allocation never gets that exception: its Connect would reach whatever TCP service has that port).
     */
    boolean permitted(Allocation a, TransportAddress peer) {
        return peers.allowed(peer.ip())
                || (!(a.relay() instanceof TcpRelay) && allocations.ownRelay(peer.toSocketAddress()));
    }
}
