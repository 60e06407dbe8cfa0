package dev.switchboard.turn;

import static dev.switchboard.stun.StunMethod.ALLOCATE;
import static dev.switchboard.stun.StunMethod.CHANNEL_BIND;
import static dev.switchboard.stun.StunMethod.CONNECT;
import static dev.switchboard.stun.StunMethod.CONNECTION_BIND;
import static dev.switchboard.stun.StunMethod.CREATE_PERMISSION;
import static dev.switchboard.turn.TurnServerTest.code;
import static dev.switchboard.turn.TurnServerTest.ok;
import static dev.switchboard.turn.TurnServerTest.peer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.stun.ChannelNumber;
import dev.switchboard.stun.ConnectionId;
import dev.switchboard.stun.MessageClass;
import dev.switchboard.stun.RequestedTransport;
import dev.switchboard.stun.StunMessage;
import dev.switchboard.stun.StunMethod;
import dev.switchboard.stun.XorPeerAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The RFC 6062 request rules, driven in memory: Allocate, Connect, ConnectionAttempt, ConnectionBind. */
class TcpRelayRulesTest {
    static final RequestedTransport TCP = new RequestedTransport(RequestedTransport.TCP);
    final InMemoryTurn turn = new InMemoryTurn(Map.of("turn.tcp-relay", true));

    InMemoryTurn.Client tcpClient(int port, String user, String password) {
        return turn.new Client(new InMemoryTurn.Link(new FiveTuple(FiveTuple.Protocol.TCP,
                new InetSocketAddress("198.51.100.20", port), InMemoryTurn.SERVER), true), user, password);
    }

    InMemoryTurn.Client allocated() {
        InMemoryTurn.Client c = tcpClient(1000, "alice", "wonderland");
        ok(c.signed(ALLOCATE, TCP));
        return c;
    }

    @Test
    void aTcpRelayNeedsATcpClientConnection() {
        InMemoryTurn.Client udp = turn.client("198.51.100.20", 1000, "alice", "wonderland");
        assertThat(code(udp.signed(ALLOCATE, TCP))).isEqualTo(400);
        assertThat(turn.tcpRelays.opened).isEmpty();
    }

    @Test
    void aTcpAllocationHasNoChannelsAndAUdpOneNoConnect() {
        InMemoryTurn.Client c = allocated();
        assertThat(code(c.signed(CHANNEL_BIND, new ChannelNumber(0x4000), peer("203.0.113.5", 80)))).isEqualTo(400);
        InMemoryTurn.Client udp = turn.client("198.51.100.21", 1000, "bob", "builder");
        ok(udp.signed(ALLOCATE, TurnServerTest.UDP));
        assertThat(code(udp.signed(CONNECT, peer("203.0.113.5", 80)))).isEqualTo(400);
    }

    @Test
    void connectAnswersAConnectionIdOrTheRightError() {
        InMemoryTurn.Client c = allocated();
        assertThat(code(c.signed(CONNECT, peer("127.0.0.1", 80)))).as("denied peer").isEqualTo(403);
        assertThat(code(c.signed(CONNECT, peer("10.0.0.1", 80)))).as("denied peer").isEqualTo(403);
        StunMessage r = c.signed(CONNECT, peer("203.0.113.5", 80));
        ok(r);
        assertThat(r.get(ConnectionId.class)).isNotNull();
        assertThat(code(c.signed(CONNECT, peer("203.0.113.5", 80)))).as("same peer again").isEqualTo(446);
        assertThat(code(c.signed(CONNECT, peer("203.0.113.5", 9)))).as("connection refused").isEqualTo(447);
    }

    @Test
    void connectionBindJoinsANewConnectionToThePeerOnce() {
        InMemoryTurn.Client c = allocated();
        int id = c.signed(CONNECT, peer("203.0.113.5", 80)).get(ConnectionId.class).id();
        InMemoryTurn.Client other = tcpClient(1001, "bob", "builder");
        assertThat(code(other.signed(CONNECTION_BIND, new ConnectionId(id)))).as("another user").isEqualTo(441);
        InMemoryTurn.Client data = tcpClient(1002, "alice", "wonderland");
        ok(data.signed(CONNECTION_BIND, new ConnectionId(id)));
        assertThat(data.link.spliced.peer()).isEqualTo(new InetSocketAddress("203.0.113.5", 80));
        InMemoryTurn.Client again = tcpClient(1003, "alice", "wonderland");
        assertThat(code(again.signed(CONNECTION_BIND, new ConnectionId(id)))).as("already bound").isEqualTo(400);
        assertThat(code(again.signed(CONNECTION_BIND, new ConnectionId(id + 1)))).as("unknown id").isEqualTo(400);
        assertThat(code(c.signed(CONNECTION_BIND, new ConnectionId(id)))).as("on the control connection").isEqualTo(400);
    }

    @Test
    void aPeerConnectingInIsAnnouncedOnlyWithAPermission() {
        InMemoryTurn.Client c = allocated();
        InMemoryTurn.FakeTcpRelay relay = turn.tcpRelays.opened.get(0);
        InMemoryTurn.FakePeer stranger = relay.arrive(new InetSocketAddress("203.0.113.9", 40000));
        assertThat(stranger.open).isFalse();
        assertThat(c.link.frames).isEmpty();
        ok(c.signed(CREATE_PERMISSION, peer("203.0.113.9", 0)));
        InMemoryTurn.FakePeer friend = relay.arrive(new InetSocketAddress("203.0.113.9", 40001));
        assertThat(friend.open).isTrue();
        StunMessage attempt = InMemoryTurn.decode(c.link.take());
        assertThat(attempt.method()).isEqualTo(StunMethod.CONNECTION_ATTEMPT);
        assertThat(attempt.messageClass()).isEqualTo(MessageClass.INDICATION);
        assertThat(attempt.get(XorPeerAddress.class).address().toSocketAddress())
                .isEqualTo(new InetSocketAddress("203.0.113.9", 40001));
        InMemoryTurn.Client data = tcpClient(1002, "alice", "wonderland");
        ok(data.signed(CONNECTION_BIND, attempt.get(ConnectionId.class)));
        assertThat(data.link.spliced).isSameAs(friend);
    }

    @Test
    void aConnectionNotBoundWithinThirtySecondsIsClosed() {
        InMemoryTurn.Client c = allocated();
        ok(c.signed(CREATE_PERMISSION, peer("203.0.113.9", 0)));
        InMemoryTurn.FakePeer p = turn.tcpRelays.opened.get(0).arrive(new InetSocketAddress("203.0.113.9", 40001));
        int id = InMemoryTurn.decode(c.link.take()).get(ConnectionId.class).id();
        turn.ticker.advanceSeconds(31);
        turn.server.sweep();
        assertThat(p.open).isFalse();
        assertThat(code(tcpClient(1002, "alice", "wonderland").signed(CONNECTION_BIND, new ConnectionId(id)))).isEqualTo(400);
    }

    @Test
    void deletingTheAllocationClosesTheRelay() {
        InMemoryTurn.Client c = allocated();
        turn.server.linkClosed(c.link.tuple);
        assertThat(turn.tcpRelays.opened.get(0).closed).isTrue();
        assertThat(List.of(turn.server.allocationCount())).containsExactly(0);
    }

    @Test
    void anAllocationHoldsAtMostItsPeerConnections() {
        InMemoryTurn limited = new InMemoryTurn(Map.of("turn.tcp-relay", true, "turn.max-tcp-connections", 2));
        InMemoryTurn.Client c = limited.new Client(new InMemoryTurn.Link(new FiveTuple(FiveTuple.Protocol.TCP,
                new InetSocketAddress("198.51.100.20", 1000), InMemoryTurn.SERVER), true), "alice", "wonderland");
        ok(c.signed(ALLOCATE, TCP));
        ok(c.signed(CREATE_PERMISSION, peer("203.0.113.9", 0)));
        ok(c.signed(CONNECT, peer("203.0.113.5", 80)));
        ok(c.signed(CONNECT, peer("203.0.113.6", 80)));
        assertThat(code(c.signed(CONNECT, peer("203.0.113.7", 80)))).as("third connection").isEqualTo(486);
        assertThat(code(c.signed(CONNECT, peer("203.0.113.9", 9)))).as("at the limit even a failing one").isEqualTo(486);
        InMemoryTurn.FakeTcpRelay relay = limited.tcpRelays.opened.get(0);
        c.link.frames.clear();
        InMemoryTurn.FakePeer incoming = relay.arrive(new InetSocketAddress("203.0.113.9", 40001));
        assertThat(incoming.open).as("a permitted peer past the limit is closed").isFalse();
        assertThat(c.link.frames).as("and never announced").isEmpty();

        relay.connected.get(0).close();
        limited.server.sweep();
        ok(c.signed(CONNECT, peer("203.0.113.7", 80)));
        assertThat(code(c.signed(CONNECT, peer("203.0.113.8", 80)))).isEqualTo(486);
    }

    @Test
    void aFailedConnectFreesItsPlace() {
        InMemoryTurn limited = new InMemoryTurn(Map.of("turn.tcp-relay", true, "turn.max-tcp-connections", 1));
        InMemoryTurn.Client c = limited.new Client(new InMemoryTurn.Link(new FiveTuple(FiveTuple.Protocol.TCP,
                new InetSocketAddress("198.51.100.20", 1000), InMemoryTurn.SERVER), true), "alice", "wonderland");
        ok(c.signed(ALLOCATE, TCP));
        assertThat(code(c.signed(CONNECT, peer("203.0.113.5", 9)))).isEqualTo(447);
        assertThat(code(c.signed(CONNECT, peer("203.0.113.5", 9)))).as("still free after a failure").isEqualTo(447);
        ok(c.signed(CONNECT, peer("203.0.113.5", 80)));
        assertThat(code(c.signed(CONNECT, peer("203.0.113.5", 80)))).as("same peer: exists, before quota").isEqualTo(446);
        assertThat(code(c.signed(CONNECT, peer("203.0.113.6", 80)))).as("another peer: quota").isEqualTo(486);
    }
}
