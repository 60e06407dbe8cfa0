package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.switchboard.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The per-address budget of new Engine.IO sessions on the real server (burst 10, then 2 a second): a
 * flood of polling handshakes over one kept-alive connection from one address gets the burst and the
 * rate, the rest 429 with the protocol's JSON error and Retry-After, nothing kept for them and no log
 * line each; a WebSocket handshake past the budget is refused the same way; another address is not held
 * back.
 */
class NewSessionLimitTest {
    static final int BURST = 10;
    static final int RATE = 2;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("signaling.new-session-burst", BURST,
                "signaling.new-sessions-per-second", RATE));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    record Answer(int status, Map<String, String> headers, String body) {}

    static Socket connect(String from) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        s.connect(new InetSocketAddress("127.0.0.1", server.httpPort()), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    static Answer exchange(Socket s, String request) throws IOException {
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.write(b);
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        return new Answer(Integer.parseInt(lines[0].split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
    }

    static String polling() {
        return "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    }

    static String websocket() {
        return "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    }

    @Test
    void aFloodFromOneAddressGetsTheBurstThenTheRateAndA429ForTheRest() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        root.addAppender(lines);
        int before = server.server().engine().sessionCount();
        int accepted = 0;
        int refused = 0;
        long start = System.nanoTime();
        try (Socket s = connect("127.0.0.1")) {
            for (int i = 0; i < 300; i++) {
                Answer a = exchange(s, polling());
                if (a.status() == 200) {
                    assertThat(a.body()).startsWith("0{\"sid\":");
                    accepted++;
                } else {
                    assertThat(a.status()).isEqualTo(429);
                    assertThat(a.body()).isEqualTo("{\"code\":3,\"message\":\"Too many new sessions from this address\"}");
                    assertThat(Long.parseLong(a.headers().get("retry-after"))).isBetween(1L, 60L);
                    refused++;
                }
            }
        } finally {
            root.detachAppender(lines);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(accepted).as("burst, then %s a second over %.2f s", RATE, seconds)
                .isBetween(BURST, BURST + (int) Math.ceil(RATE * seconds) + 1);
        assertThat(refused).isEqualTo(300 - accepted);
        assertThat(server.server().engine().sessionCount() - before).as("nothing kept for a refused handshake")
                .isLessThanOrEqualTo(accepted);
        assertThat(lines.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO)).count())
                .as("log lines for %s handshakes: %s", 300, lines.list).isLessThanOrEqualTo(1);
        assertThat(lines.list).allSatisfy(e -> assertThat(e.getThrowableProxy()).isNull());

        // The budget is spent: a WebSocket handshake is refused too (a token may come back meanwhile).
        boolean sawRefusal = false;
        for (int i = 0; i < 5 && !sawRefusal; i++) {
            try (Socket s = connect("127.0.0.1")) {
                Answer a = exchange(s, websocket());
                assertThat(a.status()).isIn(101, 429);
                sawRefusal = a.status() == 429;
            }
        }
        assertThat(sawRefusal).isTrue();

        // Another address has its own budget.
        try (Socket s = connect("127.0.0.2")) {
            Answer a = exchange(s, polling());
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.body()).startsWith("0{\"sid\":");
        }
    }
}
