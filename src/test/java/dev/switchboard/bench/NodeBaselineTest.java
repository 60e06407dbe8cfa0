package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.RawWebSocket;
import dev.switchboard.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's baseline (bench/node-codelab-server.js) must run the codelab room logic the way
 * Switchboard does, or the comparison is meaningless: created / joined / join / ready, full past two,
 * message relayed to the sender's room only, bye.
 */
@Tag("external")
class NodeBaselineTest {
    private static ServerProcess node;

    @BeforeAll
    static void startNode() throws Exception {
        int port = TestServer.freePort();
        Path log = Files.createTempFile("node-baseline", ".log");
        node = ServerProcess.start(ServerProcess.Kind.NODE, "node", List.of("node", "--expose-gc",
                "bench/node-codelab-server.js", Integer.toString(port)), Map.of(), port, log);
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    private static RawWebSocket connect() throws Exception {
        RawWebSocket ws = RawWebSocket.connect("ws://127.0.0.1:" + node.port + "/socket.io/?EIO=4&transport=websocket");
        assertThat(ws.nextText()).startsWith("0{");
        ws.send("40");
        assertThat(ws.nextText()).startsWith("40{\"sid\":");
        return ws;
    }

    @Test
    void baselineRunsTheCodelabRoomProtocolAndRelaysOnlyWithinTheRoom() throws Exception {
        try (RawWebSocket a = connect(); RawWebSocket b = connect(); RawWebSocket c = connect();
             RawWebSocket d = connect()) {
            a.send("42[\"create or join\",\"room-1\"]");
            assertThat(a.nextText()).startsWith("42[\"created\",\"room-1\",");

            b.send("42[\"create or join\",\"room-1\"]");
            assertThat(a.nextText()).isEqualTo("42[\"join\",\"room-1\"]");
            assertThat(b.nextText()).startsWith("42[\"joined\",\"room-1\",");
            assertThat(a.nextText()).isEqualTo("42[\"ready\",\"room-1\"]");
            assertThat(b.nextText()).isEqualTo("42[\"ready\",\"room-1\"]");

            c.send("42[\"create or join\",\"room-1\"]");
            assertThat(c.nextText()).isEqualTo("42[\"full\",\"room-1\"]");
            c.send("42[\"create or join\",\"room-2\"]");
            assertThat(c.nextText()).startsWith("42[\"created\",\"room-2\",");
            d.send("42[\"create or join\",\"room-2\"]");
            assertThat(c.nextText()).isEqualTo("42[\"join\",\"room-2\"]");
            assertThat(d.nextText()).startsWith("42[\"joined\",\"room-2\",");
            assertThat(c.nextText()).isEqualTo("42[\"ready\",\"room-2\"]");
            assertThat(d.nextText()).isEqualTo("42[\"ready\",\"room-2\"]");

            String candidate = "42[\"message\",{\"t\":1,\"type\":\"candidate\",\"candidate\":\"candidate:1 1 udp 1 203.0.113.7 9 typ host\"}]";
            a.send(candidate);
            assertThat(b.nextText()).isEqualTo(candidate);
            // c shares no room with a: the next thing it hears is d's message, not a's.
            d.send("42[\"message\",\"from-d\"]");
            assertThat(c.nextText()).isEqualTo("42[\"message\",\"from-d\"]");

            b.send("42[\"bye\",\"room-1\"]");
            assertThat(a.nextText()).startsWith("42[\"bye\",\"room-1\",");
        }
    }

    @Test
    void baselineReportsItsMemoryAfterACollection() throws Exception {
        assertThat(node.liveHeapBytes()).isPositive();
        assertThat(node.rssBytes()).isGreaterThan(node.liveHeapBytes());
    }
}
