package dev.switchboard.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.media.TestImages;
import dev.switchboard.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Slow and greedy HTTP clients over raw sockets against the real server, with the limits scaled down
 * (head 1 s, idle 1 s, at least 200 bytes per 500 ms of body, 4 connections per IP): each slow case is
 * closed by the server, an honest slow upload (2 KB/s, ten times the minimum) completes, and a long
 * poll the server holds is not cut. No sleeps: the test waits on the socket for the close.
 */
class SlowClientsTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("http.request-head-timeout", "1s", "http.idle-timeout", "1s",
                "http.body-min-bytes", 200, "http.body-interval", "500ms", "http.max-connections-per-ip", 4,
                "signaling.ping-interval", "3s"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", server.httpPort()), 5000);
        return s;
    }

    /** Reads (and drops) until the server closes; false if it is still open after {@code millis}. */
    static boolean closedWithin(Socket s, int millis) throws IOException {
        s.setSoTimeout(millis);
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // an answer before the close is fine
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    /**
     * Sends {@code bytes} {@code step} at a time, waiting {@code pauseMillis} for the server to close
     * between steps (the wait is the pacing); returns the bytes sent when it closed, or -1 if all went.
     */
    static int trickle(Socket s, byte[] bytes, int step, int pauseMillis) throws IOException {
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        s.setSoTimeout(pauseMillis);
        for (int i = 0; i < bytes.length; i += step) {
            try {
                out.write(bytes, i, Math.min(step, bytes.length - i));
                out.flush();
            } catch (SocketException closed) {
                return i;
            }
            if (i + step >= bytes.length) {
                break; // all sent: the answer is the caller's to read
            }
            try {
                if (in.read() < 0) {
                    return i;
                }
                return -2; // an answer before the end: not expected here
            } catch (SocketTimeoutException pace) {
                // still open: next step
            } catch (SocketException reset) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void anIdleConnectionIsClosed() throws Exception {
        try (Socket s = connect()) {
            assertThat(closedWithin(s, 5000)).isTrue();
        }
    }

    @Test
    void aPartialHeadIsClosed() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: a\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(closedWithin(s, 5000)).isTrue();
        }
    }

    @Test
    void aHeadTrickledByteByByteIsClosedAtTheHeadTimeout() throws Exception {
        StringBuilder head = new StringBuilder("GET /healthz HTTP/1.1\r\nHost: a\r\n");
        for (int i = 0; i < 200; i++) {
            head.append("X-Pad-").append(i).append(": y\r\n");
        }
        try (Socket s = connect()) {
            int sent = trickle(s, head.toString().getBytes(StandardCharsets.US_ASCII), 1, 100);
            assertThat(sent).as("closed before the head was complete").isPositive().isLessThan(60);
        }
    }

    @Test
    void aShortBodyUnderALargeContentLengthIsClosed() throws Exception {
        try (Socket s = connect()) {
            byte[] png = TestImages.png(32, 32, 1);
            s.getOutputStream().write(("POST /api/rooms/slow/photos HTTP/1.1\r\nHost: a\r\nContent-Type: image/png\r\n"
                    + "Content-Length: 100000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(png, 0, 100);
            assertThat(closedWithin(s, 5000)).isTrue();
        }
    }

    @Test
    void aChunkedBodyTrickledBelowTheMinimumIsClosed() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(("POST /api/rooms/slow/photos HTTP/1.1\r\nHost: a\r\nContent-Type: image/png\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunks = "1\r\nx\r\n".repeat(1000).getBytes(StandardCharsets.US_ASCII); // 6 bytes a step
            int sent = trickle(s, chunks, 6, 100); // 60 bytes per 500 ms, under 200
            assertThat(sent).as("closed while trickling").isPositive();
        }
    }

    @Test
    void anHonestSlowUploadCompletes() throws Exception {
        byte[] png = TestImages.png(64, 64, 2);
        try (Socket s = connect()) {
            byte[] head = ("POST /api/rooms/slow/photos HTTP/1.1\r\nHost: a\r\nContent-Type: image/png\r\n"
                    + "Content-Length: " + png.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            s.getOutputStream().write(head);
            int sent = trickle(s, png, 200, 100); // 2000 bytes a second: ten times the minimum
            assertThat(sent).as("sent whole").isEqualTo(-1);
            s.setSoTimeout(10_000);
            String status = statusLine(s.getInputStream());
            assertThat(status).as("%d bytes at 2 KB/s", png.length).contains(" 201 ");
        }
    }

    @Test
    void aKeptAliveConnectionIsClosedWhenIdleButALongPollIsNotCut() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(5000);
            assertThat(statusLine(s.getInputStream())).contains(" 200 ");
            assertThat(closedWithin(s, 5000)).as("idle after its answer").isTrue();
        }
        String sid;
        try (Socket s = connect()) {
            s.getOutputStream().write("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: a\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(5000);
            String open = response(s.getInputStream());
            int at = open.indexOf("\"sid\":\"") + 7;
            sid = open.substring(at, open.indexOf('"', at));
        }
        try (Socket s = connect()) {
            // the server holds this poll until its ping (3 s), three idle timeouts
            s.getOutputStream().write(("GET /socket.io/?EIO=4&transport=polling&sid=" + sid + " HTTP/1.1\r\nHost: a\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(10_000);
            String ping = response(s.getInputStream());
            assertThat(ping).startsWith("HTTP/1.1 200").endsWith("2");
        }
    }

    @Test
    void oneAddressMayHoldOnlyItsShareOfConnections() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Socket s = connect();
                held.add(s);
                s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                s.setSoTimeout(5000);
                assertThat(statusLine(s.getInputStream())).contains(" 200 ");
            }
            try (Socket fifth = connect()) {
                assertThat(closedWithin(fifth, 5000)).as("past the limit: closed at once").isTrue();
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    static String statusLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            line.write(c);
        }
        String l = line.toString(StandardCharsets.ISO_8859_1);
        // skip the rest of the head and a small body
        return l;
    }

    /** A whole response with a Content-Length body, as text. */
    static String response(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int length = -1;
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed in the head");
            }
            all.write(c);
            if (c != '\n') {
                line.write(c);
                continue;
            }
            String l = line.toString(StandardCharsets.ISO_8859_1).strip();
            line.reset();
            if (l.isEmpty()) {
                break;
            }
            if (l.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(l.substring(15).trim());
            }
        }
        all.write(in.readNBytes(Math.max(length, 0)));
        return all.toString(StandardCharsets.UTF_8);
    }
}
