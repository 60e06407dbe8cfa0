package dev.switchboard.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP/1.1 message framing against the real server, by hand over raw sockets (RFC 9112): framing errors
 * answer 400 and close, 100 Continue only for a request that will be read, exactly one Host.
 */
class HttpConformanceTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("media.max-photo-bytes", 1024));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** One connection; reads response heads and tells whether the server closed it. */
    static final class Conn implements AutoCloseable {
        final Socket socket = new Socket();
        final InputStream in;

        Conn() throws IOException {
            socket.connect(new InetSocketAddress("127.0.0.1", server.httpPort()), 5000);
            socket.setSoTimeout(10_000);
            in = socket.getInputStream();
        }

        void send(String s) throws IOException {
            send(s.getBytes(StandardCharsets.ISO_8859_1));
        }

        void send(byte[] b) throws IOException {
            socket.getOutputStream().write(b);
            socket.getOutputStream().flush();
        }

        /** The status line's code, with the headers (lower-case names) in {@code headers}. */
        int head(Map<String, String> headers) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            String status = null;
            while (true) {
                int c = in.read();
                if (c < 0) {
                    throw new EOFException("closed in a response head");
                }
                if (c != '\n') {
                    line.write(c);
                    continue;
                }
                String l = line.toString(StandardCharsets.ISO_8859_1).strip();
                line.reset();
                if (status == null) {
                    status = l;
                } else if (l.isEmpty()) {
                    return Integer.parseInt(status.split(" ")[1]);
                } else if (headers != null) {
                    int colon = l.indexOf(':');
                    headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
                }
            }
        }

        /** A whole response with a Content-Length body; returns the status. */
        int response() throws IOException {
            Map<String, String> h = new TreeMap<>();
            int status = head(h);
            in.readNBytes(Integer.parseInt(h.getOrDefault("content-length", "0")));
            return status;
        }

        /** True once the server has closed the connection (everything before the end is skipped). */
        boolean closedByServer() throws IOException {
            try {
                while (in.read() >= 0) {
                    // skip
                }
                return true;
            } catch (SocketException reset) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void aBadChunkSizeIs400AndClosesTheConnection() throws Exception {
        for (String request : new String[] {"GET /healthz HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                "POST /api/rooms/r1/photos HTTP/1.1\r\nHost: a\r\nContent-Type: image/png\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n10\r\n\u0089PNG\r\n\u001a\n01234567\r\nzz\r\nmore\r\n"}) {
            String head = request.substring(0, request.indexOf('\r'));
            try (Conn c = new Conn()) {
                c.send(request);
                assertThat(c.response()).as(head).isEqualTo(400);
                assertThat(c.closedByServer()).as(head).isTrue();
            }
        }
    }

    @Test
    void noContinueForARequestThatWillBeRefused() throws Exception {
        try (Conn c = new Conn()) {
            c.send("POST /api/rooms/r1/photos HTTP/1.1\r\nHost: a\r\nContent-Type: image/png\r\n"
                    + "Content-Length: 100000\r\nExpect: 100-continue\r\n\r\n");
            Map<String, String> h = new TreeMap<>();
            assertThat(c.head(h)).as("413 straight away, no 100 Continue first").isEqualTo(413);
            assertThat(h.get("connection")).isEqualToIgnoringCase("close");
            c.in.readNBytes(Integer.parseInt(h.get("content-length")));
            c.send(new byte[100_000]); // a client that sends anyway: drained, then closed
            assertThat(c.closedByServer()).isTrue();
        }
        try (Conn c = new Conn()) {
            c.send("POST /api/rooms/r1/nothing HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n");
            assertThat(c.head(null)).isEqualTo(404);
        }
    }

    @Test
    void aRequestThatWillBeReadGetsContinue() throws Exception {
        try (Conn c = new Conn()) {
            c.send("POST /api/rooms/r1/photos HTTP/1.1\r\nHost: a\r\nContent-Type: image/png\r\n"
                    + "Content-Length: 100\r\nExpect: 100-continue\r\n\r\n");
            assertThat(c.head(null)).isEqualTo(100);
            c.send(new byte[100]);
            assertThat(c.response()).as("a final answer after the body (not a PNG: 415)").isEqualTo(415);
        }
        try (Conn c = new Conn()) {
            c.send("POST /api/rooms/r1/photos HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\nExpect: teapot\r\n\r\n");
            assertThat(c.head(null)).isEqualTo(417);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void exactlyOneHostHeader() throws Exception {
        try (Conn c = new Conn()) {
            c.send("GET /healthz HTTP/1.1\r\n\r\n");
            assertThat(c.response()).as("no Host").isEqualTo(400);
            assertThat(c.closedByServer()).isTrue();
        }
        try (Conn c = new Conn()) {
            c.send("GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
            assertThat(c.response()).as("two Host headers").isEqualTo(400);
            assertThat(c.closedByServer()).isTrue();
        }
        try (Conn c = new Conn()) {
            c.send("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\nGET /healthz HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(c.response()).isEqualTo(200);
            assertThat(c.response()).as("one Host: served, kept alive").isEqualTo(200);
        }
        try (Conn c = new Conn()) {
            c.send("GET /healthz HTTP/1.0\r\n\r\n");
            assertThat(c.response()).as("HTTP/1.0 needs none").isEqualTo(200);
        }
    }

    @Test
    void pathsThatTryToLeaveTheWebAppAreNotServed() throws Exception {
        for (String path : new String[] {"/../pom.xml", "/%2e%2e/%2e%2e/etc/passwd", "/js/..%2f..%2f..%2fpom.xml",
                "/..%5c..%5cpom.xml", "/js/%252e%252e/%252e%252e/pom.xml", "//etc/passwd", "/js/./../../pom.xml",
                "/%00/etc/passwd"}) {
            try (Conn c = new Conn()) {
                c.send("GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n");
                Map<String, String> h = new TreeMap<>();
                int status = c.head(h);
                String body = new String(c.in.readNBytes(Integer.parseInt(h.getOrDefault("content-length", "0"))),
                        StandardCharsets.UTF_8);
                assertThat(status).as(path).isIn(400, 404);
                assertThat(body).as(path).doesNotContain("<project").doesNotContain("root:");
            }
        }
    }
}
