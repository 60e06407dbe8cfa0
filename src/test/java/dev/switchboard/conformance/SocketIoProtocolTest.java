package dev.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.RawWebSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Socket.IO v5 as the official protocol test suite checks it (connect, disconnect, messages, acks,
 * binary attachments, invalid packets), spoken by hand over a WebSocket to the conformance fixture.
 */
class SocketIoProtocolTest {
    static FixtureServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new FixtureServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private RawWebSocket engine() throws Exception {
        RawWebSocket ws = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket"));
        assertThat(ws.nextText()).startsWith("0{");
        return ws;
    }

    private RawWebSocket connected() throws Exception {
        RawWebSocket ws = engine();
        ws.send("40");
        assertThat(ws.nextText()).startsWith("40{\"sid\":");
        assertThat(ws.nextText()).isEqualTo("42[\"auth\",{}]");
        return ws;
    }

    @Test
    void connectToTheMainNamespace() throws Exception {
        try (RawWebSocket ws = engine()) {
            ws.send("40");
            assertThat(ws.nextText()).matches("40\\{\"sid\":\"[A-Za-z0-9_-]+\"\\}");
            assertThat(ws.nextText()).isEqualTo("42[\"auth\",{}]");
        }
    }

    @Test
    void connectWithAnAuthPayload() throws Exception {
        try (RawWebSocket ws = engine()) {
            ws.send("40{\"token\":\"123\"}");
            assertThat(ws.nextText()).startsWith("40{\"sid\":");
            assertThat(ws.nextText()).isEqualTo("42[\"auth\",{\"token\":\"123\"}]");
        }
    }

    @Test
    void connectToACustomNamespaceWithAndWithoutPayload() throws Exception {
        try (RawWebSocket ws = engine()) {
            ws.send("40/custom,");
            assertThat(ws.nextText()).matches("40/custom,\\{\"sid\":\"[A-Za-z0-9_-]+\"\\}");
            assertThat(ws.nextText()).isEqualTo("42/custom,[\"auth\",{}]");
        }
        try (RawWebSocket ws = engine()) {
            ws.send("40/custom,{\"token\":\"abc\"}");
            assertThat(ws.nextText()).startsWith("40/custom,{\"sid\":");
            assertThat(ws.nextText()).isEqualTo("42/custom,[\"auth\",{\"token\":\"abc\"}]");
        }
    }

    @Test
    void unknownNamespaceGetsConnectErrorWithMessage() throws Exception {
        try (RawWebSocket ws = engine()) {
            ws.send("40/random");
            assertThat(ws.nextText()).isEqualTo("44/random,{\"message\":\"Invalid namespace\"}");
        }
    }

    @Test
    void invalidHandshakeClosesTheConnection() throws Exception {
        try (RawWebSocket ws = engine()) {
            ws.send("4abc");
            assertThat(ws.awaitClose(Duration.ofSeconds(2))).isTrue();
        }
    }

    @Test
    void noNamespaceConnectWithinConnectTimeoutClosesTheConnection() throws Exception {
        try (RawWebSocket ws = engine()) {
            // keep the heartbeat alive so only the connect timeout (1 s) can end the session
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (!ws.isClosed() && System.nanoTime() < deadline) {
                try {
                    if ("2".equals(ws.next(false))) {
                        ws.send("3");
                    }
                } catch (AssertionError timeout) {
                    break;
                }
            }
            assertThat(ws.awaitClose(Duration.ofSeconds(1))).isTrue();
        }
    }

    @Test
    void disconnectFromACustomNamespaceKeepsTheMainOne() throws Exception {
        try (RawWebSocket ws = connected()) {
            ws.send("40/custom");
            assertThat(ws.nextText()).startsWith("40/custom,{\"sid\":");
            assertThat(ws.nextText()).isEqualTo("42/custom,[\"auth\",{}]");
            ws.send("41/custom");
            ws.send("42[\"message\",\"message to main namespace\"]");
            assertThat(ws.nextText()).isEqualTo("42[\"message-back\",\"message to main namespace\"]");
            ws.send("42/custom,[\"message\",\"gone\"]");
            ws.send("42[\"message\",\"still here\"]");
            assertThat(ws.nextText()).as("nothing comes back from the left namespace")
                    .isEqualTo("42[\"message-back\",\"still here\"]");
        }
    }

    @Test
    void plainTextEventIsEchoed() throws Exception {
        try (RawWebSocket ws = connected()) {
            ws.send("42[\"message\",1,\"2\",{\"3\":[true]}]");
            assertThat(ws.nextText()).isEqualTo("42[\"message-back\",1,\"2\",{\"3\":[true]}]");
        }
    }

    @Test
    void binaryAttachmentsAreEchoed() throws Exception {
        try (RawWebSocket ws = connected()) {
            ws.send("452-[\"message\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
            ws.send(new byte[] {1, 2, 3});
            ws.send(new byte[] {4, 5, 6});
            assertThat(ws.nextText())
                    .isEqualTo("452-[\"message-back\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
            assertThat((byte[]) ws.next(true)).containsExactly(1, 2, 3);
            assertThat((byte[]) ws.next(true)).containsExactly(4, 5, 6);
        }
    }

    @Test
    void eventWithAckIsAcknowledgedWithItsArguments() throws Exception {
        try (RawWebSocket ws = connected()) {
            ws.send("42456[\"message-with-ack\",1,\"2\",{\"3\":[false]}]");
            assertThat(ws.nextText()).isEqualTo("43456[1,\"2\",{\"3\":[false]}]");
        }
    }

    @Test
    void binaryEventWithAckGetsABinaryAck() throws Exception {
        try (RawWebSocket ws = connected()) {
            ws.send("452-789[\"message-with-ack\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
            ws.send(new byte[] {1, 2, 3});
            ws.send(new byte[] {4, 5, 6});
            assertThat(ws.nextText()).isEqualTo("462-789[{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
            assertThat((byte[]) ws.next(true)).containsExactly(1, 2, 3);
            assertThat((byte[]) ws.next(true)).containsExactly(4, 5, 6);
        }
    }

    @Test
    void invalidPacketsCloseTheConnection() throws Exception {
        for (String bad : new String[] {"4abc", "42{}", "42abc[\"message-with-ack\",1,\"2\",{\"3\":[false]}]",
                "44{\"message\":\"clients may not send this\"}"}) {
            try (RawWebSocket ws = connected()) {
                ws.send(bad);
                assertThat(ws.awaitClose(Duration.ofSeconds(2))).as(bad).isTrue();
            }
        }
    }

    @Test
    void unexpectedBinaryClosesTheConnection() throws Exception {
        try (RawWebSocket ws = connected()) {
            ws.send(new byte[] {1, 2, 3});
            assertThat(ws.awaitClose(Duration.ofSeconds(2))).isTrue();
        }
    }
}
