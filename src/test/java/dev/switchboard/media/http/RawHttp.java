package dev.switchboard.media.http;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * HTTP/1.1 over one socket, by hand: the tests decide when to read (or stop reading) and can see that
 * several requests share one connection.
 */
final class RawHttp implements AutoCloseable {
    /** A response head: the status and the headers (names lower-cased). */
    record Head(int status, Map<String, String> headers) {
        long contentLength() {
            return Long.parseLong(headers.get("content-length"));
        }
    }

    final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.socket.setSoTimeout(30_000);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** A plain connection; {@code receiveBuffer} > 0 sets SO_RCVBUF before connecting. */
    static RawHttp connect(int port, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return new RawHttp(s);
    }

    static RawHttp connectTls(int port, SSLContext tls) throws IOException {
        return new RawHttp(tls.getSocketFactory().createSocket("127.0.0.1", port));
    }

    void request(String method, String path, String... headerLines) throws IOException {
        StringBuilder b = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String h : headerLines) {
            b.append(h).append("\r\n");
        }
        out.write(b.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Sends {@code raw} as it is, in one write: several requests back to back are pipelined. */
    void send(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    Head head() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        String status = null;
        Map<String, String> headers = new LinkedHashMap<>();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("the connection closed in a response head");
            }
            if (c != '\n') {
                line.write(c);
                continue;
            }
            String l = line.toString(StandardCharsets.ISO_8859_1).stripTrailing();
            line.reset();
            if (status == null) {
                status = l;
            } else if (l.isEmpty()) {
                return new Head(Integer.parseInt(status.split(" ")[1]), headers);
            } else {
                int colon = l.indexOf(':');
                headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
            }
        }
    }

    /** Reads exactly {@code n} body bytes into {@code digest} (may be null); returns how many were read. */
    long body(long n, MessageDigest digest) throws IOException {
        byte[] buf = new byte[1 << 16];
        long got = 0;
        while (got < n) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n - got));
            if (r < 0) {
                throw new EOFException("the body ended after " + got + " of " + n + " bytes");
            }
            if (digest != null) {
                digest.update(buf, 0, r);
            }
            got += r;
        }
        return got;
    }

    byte[] body(int n) throws IOException {
        return in.readNBytes(n);
    }

    /** True when the server has closed the connection (reads end), within the socket's timeout. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
