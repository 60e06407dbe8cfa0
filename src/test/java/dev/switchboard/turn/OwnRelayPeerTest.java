package dev.switchboard.turn;

import static dev.switchboard.stun.StunMethod.CHANNEL_BIND;
import static dev.switchboard.stun.StunMethod.CREATE_PERMISSION;
import static dev.switchboard.stun.StunMethod.REFRESH;
import static dev.switchboard.turn.TurnServerTest.code;
import static dev.switchboard.turn.TurnServerTest.ok;
import static dev.switchboard.turn.TurnServerTest.peer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.stun.ChannelNumber;
import dev.switchboard.stun.Data;
import dev.switchboard.stun.Lifetime;
import dev.switchboard.stun.MessageClass;
import dev.switchboard.stun.MessageType;
import dev.switchboard.stun.StunMessage;
import dev.switchboard.stun.StunMethod;
import dev.switchboard.stun.TransactionId;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two relay-only clients of one server reach each other through it although the relay addresses lie in a
 * range the peer policy refuses (a server on a LAN or on loopback): another live UDP allocation's relayed
 * address, exactly that address and port, is a permitted peer; the rest of that host is not.
 */
class OwnRelayPeerTest {
    // The in-memory relays advertise 198.51.100.7:50000, :50002, ...; this server refuses that range.
    final InMemoryTurn turn = new InMemoryTurn(Map.of("turn.deny-peers", List.of("198.51.100.0/24")));
    final TurnServerTest helpers = new TurnServerTest();

    @Test
    void anotherAllocationsRelayedAddressIsAPermittedPeer() {
        InMemoryTurn.Client a = helpers.allocated(turn, "203.0.113.1", 1);
        InMemoryTurn.Client b = helpers.allocated(turn, "203.0.113.2", 1);
        ok(a.signed(CREATE_PERMISSION, peer("198.51.100.7", 50002))); // b's relay
        ok(b.signed(CREATE_PERMISSION, peer("198.51.100.7", 50000))); // a's relay
        ok(a.signed(CHANNEL_BIND, new ChannelNumber(0x4000), peer("198.51.100.7", 50002)));
        send(b, "198.51.100.7", 50000);
        assertThat(turn.relays.opened.get(1).sent).extracting(Map.Entry::getKey)
                .containsExactly(new InetSocketAddress("198.51.100.7", 50000));
    }

    @Test
    void theRestOfThatHostStaysRefused() {
        InMemoryTurn.Client a = helpers.allocated(turn, "203.0.113.1", 1);
        helpers.allocated(turn, "203.0.113.2", 1);
        for (int port : new int[] {50001, 50004, 22, 5432}) {
            assertThat(code(a.signed(CREATE_PERMISSION, peer("198.51.100.7", port)))).as("port " + port).isEqualTo(403);
            assertThat(code(a.signed(CHANNEL_BIND, new ChannelNumber(0x4001), peer("198.51.100.7", port)))).isEqualTo(403);
            send(a, "198.51.100.7", port);
        }
        assertThat(code(a.signed(CREATE_PERMISSION, peer("198.51.100.8", 50002)))).isEqualTo(403);
        assertThat(turn.relays.opened.get(0).sent).as("nothing relayed").isEmpty();
    }

    @Test
    void aDeletedAllocationsAddressIsRefusedAgain() {
        InMemoryTurn.Client a = helpers.allocated(turn, "203.0.113.1", 1);
        InMemoryTurn.Client b = helpers.allocated(turn, "203.0.113.2", 1);
        ok(a.signed(CREATE_PERMISSION, peer("198.51.100.7", 50002)));
        ok(b.signed(REFRESH, new Lifetime(0)));
        assertThat(code(a.signed(CREATE_PERMISSION, peer("198.51.100.7", 50002)))).isEqualTo(403);
        send(a, "198.51.100.7", 50002);
        assertThat(turn.relays.opened.get(0).sent).as("nothing relayed").isEmpty();
    }

    private static void send(InMemoryTurn.Client c, String ip, int port) {
        c.indication(StunMessage.of(new MessageType(StunMethod.SEND, MessageClass.INDICATION), TransactionId.random(),
                peer(ip, port), new Data(new byte[] {1, 2, 3})));
    }
}
