package dev.switchboard.turn;

import static dev.switchboard.stun.StunMethod.ALLOCATE;
import static dev.switchboard.stun.StunMethod.BINDING;
import static dev.switchboard.stun.StunMethod.CREATE_PERMISSION;
import static dev.switchboard.stun.StunMethod.REFRESH;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.stun.ErrorCode;
import dev.switchboard.stun.MessageClass;
import dev.switchboard.stun.MessageType;
import dev.switchboard.stun.Nonce;
import dev.switchboard.stun.RequestedTransport;
import dev.switchboard.stun.StunEncoder;
import dev.switchboard.stun.StunMessage;
import dev.switchboard.stun.TransactionId;
import dev.switchboard.stun.UnknownAttribute;
import dev.switchboard.stun.UnknownAttributes;
import dev.switchboard.stun.XorMappedAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * RFC 8489 section 6.3.1 (420 with UNKNOWN-ATTRIBUTES) and the amplification defences: no answer to
 * requests too malformed to deserve one, and a per-source token bucket (per IPv4 address, per IPv6 /64)
 * on every answer sent without authentication. The clock is the test's.
 */
class UnauthenticatedAnswersTest {
    static final RequestedTransport UDP = new RequestedTransport(RequestedTransport.UDP);

    final InMemoryTurn turn = new InMemoryTurn(Map.of("turn.unauthenticated-burst", 20, "turn.unauthenticated-rate", 10));

    static int code(StunMessage m) {
        assertThat(m).isNotNull();
        assertThat(m.messageClass()).as("an error answer: " + m).isEqualTo(MessageClass.ERROR);
        return m.get(ErrorCode.class).code();
    }

    @Test
    void bindingWithAnUnknownComprehensionRequiredAttributeIs420ListingIt() {
        InMemoryTurn.Client c = turn.client("198.51.100.20", 5555, "x", "y");
        StunMessage m = c.plain(BINDING, new UnknownAttribute(0x7FFF, new byte[4]));
        assertThat(code(m)).isEqualTo(420);
        assertThat(m.get(UnknownAttributes.class).types()).containsExactly(0x7FFF);
        assertThat(m.get(XorMappedAddress.class)).isNull();
        // comprehension-optional (0x8000 and up) unknown attributes are ignored
        StunMessage optional = c.plain(BINDING, new UnknownAttribute(0x8FFF, new byte[4]));
        assertThat(optional.messageClass()).isEqualTo(MessageClass.SUCCESS);
    }

    @Test
    void turnRequestsWithAnUnknownComprehensionRequiredAttributeAre420AfterAuthentication() {
        InMemoryTurn.Client c = turn.client("198.51.100.20", 5555, "alice", "wonderland");
        // unauthenticated: the challenge comes first (RFC 8489 section 6.3: authentication, then attributes)
        assertThat(code(c.plain(ALLOCATE, UDP, new UnknownAttribute(0x7FFE, new byte[0])))).isEqualTo(401);
        assertThat(c.signed(ALLOCATE, UDP).messageClass()).isEqualTo(MessageClass.SUCCESS);
        StunMessage refresh = c.signed(REFRESH, new UnknownAttribute(0x7FFE, new byte[0]));
        assertThat(code(refresh)).isEqualTo(420);
        assertThat(refresh.get(UnknownAttributes.class).types()).containsExactly(0x7FFE);
        assertThat(refresh.hasIntegrity()).as("signed with the user's key").isTrue();
        StunMessage permission = c.signed(CREATE_PERMISSION, TurnServerTest.peer("203.0.113.5", 4000),
                new UnknownAttribute(0x0055, new byte[2]));
        assertThat(code(permission)).isEqualTo(420);
        assertThat(permission.get(UnknownAttributes.class).types()).containsExactly(0x0055);
        // a client without an allocation is still told which attribute was not understood first
        InMemoryTurn.Client other = turn.client("198.51.100.21", 5555, "alice", "wonderland");
        assertThat(code(other.signed(REFRESH, new UnknownAttribute(0x7FFE, new byte[0])))).isEqualTo(420);
    }

    @Test
    void requestsTooMalformedToDeserveAnAnswerGetNone() {
        InMemoryTurn.Client c = turn.client("198.51.100.20", 5555, "alice", "wonderland");
        assertThat(c.plain(ALLOCATE)).as("an Allocate without REQUESTED-TRANSPORT").isNull();
        assertThat(c.plain(0x0FF)).as("an unknown method").isNull();
        assertThat(c.plain(0x00C)).as("ConnectionAttempt is server to client only").isNull();
        assertThat(code(c.plain(ALLOCATE, UDP))).isEqualTo(401);
        assertThat(turn.server.allocationCount()).isZero();
    }

    @Test
    void aSourceGetsItsBurstThenTheRate() {
        InMemoryTurn.Client c = turn.client("198.51.100.20", 5555, "x", "y");
        for (int i = 0; i < 20; i++) {
            assertThat(c.plain(BINDING)).as("answer " + i + " of the burst").isNotNull();
        }
        assertThat(c.plain(BINDING)).as("past the burst").isNull();
        assertThat(c.plain(ALLOCATE, UDP)).as("challenges share the budget").isNull();
        InMemoryTurn.Client otherPort = turn.client("198.51.100.20", 6666, "x", "y");
        assertThat(otherPort.plain(BINDING)).as("same address, other port").isNull();
        assertThat(turn.client("198.51.100.21", 5555, "x", "y").plain(BINDING)).as("another address").isNotNull();

        turn.ticker.nanos += 100_000_000L; // one token at 10 a second
        assertThat(c.plain(BINDING)).isNotNull();
        assertThat(c.plain(BINDING)).isNull();
        turn.ticker.advanceSeconds(1);
        int answered = 0;
        for (int i = 0; i < 30; i++) {
            answered += c.plain(BINDING) == null ? 0 : 1;
        }
        assertThat(answered).isEqualTo(10);
        turn.ticker.advanceSeconds(10);
        turn.server.sweep();
        for (int i = 0; i < 20; i++) {
            assertThat(c.plain(BINDING)).as("refilled: answer " + i).isNotNull();
        }
    }

    @Test
    void ipv6SourcesAreCountedPerSlash64() {
        for (int i = 0; i < 20; i++) {
            assertThat(turn.client("2001:db8:1:2::" + Integer.toHexString(i + 1), 5555, "x", "y").plain(BINDING)).isNotNull();
        }
        assertThat(turn.client("2001:db8:1:2:ffff::1", 5555, "x", "y").plain(BINDING)).as("same /64").isNull();
        assertThat(turn.client("2001:db8:1:3::1", 5555, "x", "y").plain(BINDING)).as("next /64").isNotNull();
    }

    @Test
    void authenticatedRequestsAreNotCounted() {
        InMemoryTurn.Client c = turn.client("198.51.100.20", 5555, "alice", "wonderland");
        c.nonce = c.plain(ALLOCATE, UDP).get(Nonce.class).value();
        for (int i = 0; i < 19; i++) {
            assertThat(c.plain(BINDING)).isNotNull();
        }
        assertThat(c.plain(BINDING)).isNull();
        assertThat(c.signed(ALLOCATE, UDP).messageClass()).isEqualTo(MessageClass.SUCCESS);
        for (int i = 0; i < 30; i++) {
            assertThat(c.signed(REFRESH).messageClass()).isEqualTo(MessageClass.SUCCESS);
        }
    }

    @Test
    void overTcpNothingIsCounted() {
        InMemoryTurn.Client c = turn.new Client(new InMemoryTurn.Link(new FiveTuple(FiveTuple.Protocol.TCP,
                new java.net.InetSocketAddress("198.51.100.20", 5555), InMemoryTurn.SERVER), true), "x", "y");
        for (int i = 0; i < 50; i++) {
            assertThat(c.plain(BINDING)).as("a TCP client has completed a handshake: not spoofed").isNotNull();
        }
    }

    @Test
    void aFloodFromManySourcesSharesOneOverflowBucketPastTheTable() {
        InMemoryTurn small = new InMemoryTurn(Map.of("turn.unauthenticated-sources", 4,
                "turn.unauthenticated-burst", 2, "turn.unauthenticated-rate", 1));
        int answered = 0;
        for (int i = 0; i < 100; i++) {
            byte[] bare = StunEncoder.encode(StunMessage.of(MessageType.request(BINDING), TransactionId.random()));
            InMemoryTurn.Client c = small.client("198.51.100." + (i + 1), 5555, "x", "y");
            answered += c.send(bare) == null ? 0 : 1;
        }
        assertThat(answered).as("one answer for each of the 4 tracked sources, then the shared bucket's burst of 2").isEqualTo(6);
    }
}
