package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.switchboard.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A flood of bad input of every kind against the real server (HTTP, HTTPS, Engine.IO, WebSocket, STUN
 * over UDP and TCP) writes a bounded number of log lines, none with a stack trace: the server's log is
 * not a resource a stranger can spend. Lines are read back from a Logback appender on the root logger.
 */
class LogFloodTest {
    static TestServer server;
    static int httpsPort;

    @BeforeAll
    static void start() {
        httpsPort = TestServer.freePort();
        server = TestServer.start(Map.of("https.port", httpsPort));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Sends {@code bytes} on a new connection and reads until the server closes it or 5 s pass. */
    static void sendAndDrain(int port, byte[] bytes) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(5000);
            try {
                s.getOutputStream().write(bytes);
                s.getOutputStream().flush();
                s.shutdownOutput();
                InputStream in = s.getInputStream();
                while (in.read() >= 0) {
                    // drain
                }
            } catch (SocketException | SocketTimeoutException closedOrSilent) {
                // a reset or a server that waits for more: either way the next one goes
            }
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aFloodOfBadInputWritesABoundedNumberOfLinesAndNoStackTrace() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        root.addAppender(lines);
        Random random = new Random(15);
        int http = server.httpPort();
        int sent = 0;
        try {
            for (int i = 0; i < 50; i++) {
                byte[] junk = new byte[64 + random.nextInt(512)];
                random.nextBytes(junk);
                List<byte[]> cases = List.of(
                        ascii("BLAH\r\n\r\n"),
                        ascii("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
                        ascii("GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: a\r\n\r\n"),
                        ascii("GET /socket.io/?EIO=9&transport=polling HTTP/1.1\r\nHost: a\r\n\r\n"),
                        ascii("GET /socket.io/?EIO=4&transport=polling&sid=nope HTTP/1.1\r\nHost: a\r\n\r\n"),
                        ascii("POST /socket.io/?EIO=4&transport=polling&sid=nope HTTP/1.1\r\nHost: a\r\n"
                                + "Content-Length: 3\r\n\r\nxyz"),
                        ascii("GET /api/media/../../etc/passwd HTTP/1.1\r\nHost: a\r\n\r\n"),
                        ascii("POST /api/rooms/r/photos HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nabcde"),
                        junk);
                for (byte[] c : cases) {
                    sendAndDrain(http, c);
                    sent++;
                }
                sendAndDrain(httpsPort, ascii("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
                byte[] fakeHello = junk.clone();
                fakeHello[0] = 0x16;
                fakeHello[1] = 0x03;
                fakeHello[2] = 0x01;
                sendAndDrain(httpsPort, fakeHello);
                sendAndDrain(server.turnPort(), junk);
                sent += 3;
                // A WebSocket session that then sends a malformed Engine.IO packet.
                sendAndDrain(http, webSocketThenJunk(random));
                sent++;
            }
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                InetSocketAddress turn = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.turnPort());
                for (int i = 0; i < 1000; i++) {
                    byte[] junk = new byte[20 + random.nextInt(200)];
                    random.nextBytes(junk);
                    junk[0] &= 0x3F; // looks like STUN by its first byte
                    udp.send(new DatagramPacket(junk, junk.length, turn));
                    sent++;
                }
            }
        } finally {
            root.detachAppender(lines);
        }
        List<ILoggingEvent> logged = lines.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO)).toList();
        String text = logged.stream().map(e -> e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage())
                .collect(Collectors.joining("\n"));
        assertThat(logged.size()).as("%s bad inputs wrote:\n%s", sent, text).isLessThanOrEqualTo(5);
        assertThat(lines.list).as(text).allSatisfy(e -> assertThat(e.getThrowableProxy()).isNull());
    }

    /** A WebSocket handshake for a new session followed by one masked text frame holding an invalid packet. */
    static byte[] webSocketThenJunk(Random random) {
        String head = "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        byte[] payload = ascii("9garbage" + random.nextInt());
        byte[] frame = new byte[2 + 4 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        byte[] mask = {1, 2, 3, 4};
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        byte[] h = ascii(head);
        byte[] all = new byte[h.length + frame.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(frame, 0, all, h.length, frame.length);
        return all;
    }
}
