package dev.switchboard.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.ConformanceFixture;
import dev.switchboard.testing.JavaSioClient;
import dev.switchboard.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The official Java client (io.socket:socket.io-client 2.1.2) as a black box against the fixture. */
class JavaClientTest {
    static ConformanceFixture fixture;
    static String url;

    @BeforeAll
    static void start() throws Exception {
        fixture = new ConformanceFixture();
        url = "http://127.0.0.1:" + fixture.start("127.0.0.1", TestServer.freePort()).getPort();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    static String[] transports(String mode) {
        return switch (mode) {
            case "polling" -> new String[] {"polling"};
            case "websocket" -> new String[] {"websocket"};
            default -> new String[] {"polling", "websocket"};
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"polling", "websocket", "upgrade"})
    void eventsAcksAndBinaryBothWays(String mode) throws Exception {
        try (JavaSioClient c = JavaSioClient.connect(url, transports(mode), Map.of("token", "t-" + mode),
                "auth", "message-back")) {
            JSONObject auth = (JSONObject) c.next("auth").arg(0);
            assertThat(auth.getString("token")).isEqualTo("t-" + mode);

            c.socket.emit("message", "text", 42, new JSONObject(Map.of("nested", new JSONArray(java.util.List.of(1, 2)))),
                    new byte[] {1, 2, 3});
            JavaSioClient.Event back = c.next("message-back");
            assertThat(back.arg(0)).isEqualTo("text");
            assertThat(back.arg(1)).isEqualTo(42);
            assertThat(((JSONObject) back.arg(2)).getJSONArray("nested").getInt(1)).isEqualTo(2);
            assertThat((byte[]) back.arg(3)).containsExactly(1, 2, 3);

            Object[] acked = c.call("message-with-ack", "a", new byte[] {9, 8});
            assertThat(acked[0]).isEqualTo("a");
            assertThat((byte[]) acked[1]).containsExactly(9, 8);

            if (mode.equals("upgrade")) {
                await().atMost(Duration.ofSeconds(5)).until(() -> fixture.transports().contains("websocket"));
            }
        }
    }

    @Test
    void customNamespaceGetsItsOwnAuth() throws Exception {
        try (JavaSioClient c = JavaSioClient.connect(url + "/custom", new String[] {"websocket"}, Map.of("k", "v"), "auth")) {
            assertThat(((JSONObject) c.next("auth").arg(0)).getString("k")).isEqualTo("v");
        }
    }

    @Test
    void unknownNamespaceIsAConnectErrorWithMessage() throws Exception {
        Object err = JavaSioClient.connectError(url + "/nope");
        assertThat(err).isInstanceOf(JSONObject.class);
        assertThat(((JSONObject) err).getString("message")).isEqualTo("Invalid namespace");
    }
}
