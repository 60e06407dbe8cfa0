package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.net.tls.DevCertificate;
import dev.switchboard.net.tls.PemFiles;
import dev.switchboard.net.tls.TlsFiles;
import dev.switchboard.stun.MessageClass;
import dev.switchboard.stun.MessageType;
import dev.switchboard.stun.StunDecoder;
import dev.switchboard.stun.StunEncoder;
import dev.switchboard.stun.StunMessage;
import dev.switchboard.stun.StunMethod;
import dev.switchboard.stun.TransactionId;
import dev.switchboard.testing.TestServer;
import dev.switchboard.testing.Tls;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Everything on one port number ({@code single-port}): HTTP and HTTPS, secure WebSockets with the
 * Socket.IO client, STUN/TURN over TCP, over TLS (with ALPN stun.turn and without ALPN) and over UDP,
 * the ICE servers listed on that port, garbage refused with a clear error, and one certificate reload
 * for HTTPS and TURNS.
 */
class SinglePortTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static TestServer server;
    static int port;
    static Tls tls;

    @BeforeAll
    static void start() throws Exception {
        port = TestServer.freePort();
        server = TestServer.start(Map.of("single-port", port, "turn.users", List.of("alice:wonderland")));
        tls = Tls.trusting(server.dataDir().resolve("tls/dev-cert.pem"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyListenerReportsTheOnePort() {
        assertThat(server.httpPort()).isEqualTo(port);
        assertThat(server.server().httpsAddress().getPort()).isEqualTo(port);
        assertThat(server.turnPort()).isEqualTo(port);
        assertThat(server.server().turnsPort()).isEqualTo(port);
        assertThat(server.server().banner()).contains("One port:  " + port);
    }

    @Test
    void plainHttpAndHttpsAnswerOnTheSamePort() throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(tls.context).build();
        for (String scheme : List.of("http", "https")) {
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + port + "/healthz"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).as(scheme).isEqualTo(200);
            assertThat(res.body()).contains("\"up\"");
        }
    }

    @Test
    void iceServersListTheSharedPortForEveryTransport() throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(tls.context).build();
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/api/ice-servers"))
                .build(), HttpResponse.BodyHandlers.ofString());
        JsonNode urls = JSON.readTree(res.body()).get("iceServers").get(0).get("urls");
        List<String> list = new ArrayList<>();
        urls.forEach(u -> list.add(u.asText()));
        assertThat(list).containsExactly("stun:localhost:" + port, "turn:localhost:" + port + "?transport=udp",
                "turn:localhost:" + port + "?transport=tcp", "turns:localhost:" + port + "?transport=tcp");
    }

    @Test
    void secureWebSocketJoinsARoom() throws Exception {
        OkHttpClient ok = new OkHttpClient.Builder().sslSocketFactory(tls.context.getSocketFactory(), tls.trustManager).build();
        IO.Options opts = IO.Options.builder().setTransports(new String[] {"websocket"}).setReconnection(false).build();
        opts.callFactory = ok;
        opts.webSocketFactory = ok;
        Socket socket = IO.socket(URI.create("https://127.0.0.1:" + port), opts);
        CompletableFuture<Object[]> ack = new CompletableFuture<>();
        socket.on(Socket.EVENT_CONNECT, a -> socket.emit("join", new org.json.JSONObject(Map.of("room", "one-port")),
                (io.socket.client.Ack) ack::complete));
        socket.connect();
        try {
            org.json.JSONObject res = (org.json.JSONObject) ack.get(10, TimeUnit.SECONDS)[0];
            assertThat(res.getBoolean("ok")).as("joined over wss on the shared port").isTrue();
            String urls = res.getJSONObject("ice").getJSONArray("iceServers").getJSONObject(0).getJSONArray("urls").toString();
            assertThat(urls).as("the join answer lists the one port")
                    .contains("turns:127.0.0.1:" + port + "?transport=tcp", "turn:127.0.0.1:" + port + "?transport=udp");
        } finally {
            socket.close();
        }
    }

    @Test
    void stunOverTcpIsAnswered() throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            assertBindingAnswered(s.getInputStream(), s.getOutputStream());
        }
    }

    @Test
    void stunOverTlsIsAnsweredWithAndWithoutAlpn() throws Exception {
        for (String[] alpn : List.of(new String[] {"stun.turn"}, new String[0])) {
            try (SSLSocket s = (SSLSocket) tls.context.getSocketFactory().createSocket("127.0.0.1", port)) {
                s.setSoTimeout(5000);
                SSLParameters p = s.getSSLParameters();
                p.setApplicationProtocols(alpn);
                s.setSSLParameters(p);
                s.startHandshake();
                assertThat(s.getApplicationProtocol()).isEqualTo(alpn.length == 0 ? "" : "stun.turn");
                assertBindingAnswered(s.getInputStream(), s.getOutputStream());
            }
        }
    }

    @Test
    void httpsWithAlpnHttp11IsServed() throws Exception {
        try (SSLSocket s = (SSLSocket) tls.context.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            SSLParameters p = s.getSSLParameters();
            p.setApplicationProtocols(new String[] {"h2", "http/1.1"});
            s.setSSLParameters(p);
            s.startHandshake();
            assertThat(s.getApplicationProtocol()).isEqualTo("http/1.1");
            assertThat(request(s, "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void stunOverUdpIsAnsweredOnTheSameNumber() throws Exception {
        try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            udp.setSoTimeout(5000);
            StunMessage req = StunMessage.of(MessageType.request(StunMethod.BINDING), TransactionId.random());
            byte[] out = StunEncoder.encode(req);
            udp.send(new DatagramPacket(out, out.length, InetAddress.getLoopbackAddress(), port));
            DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
            udp.receive(in);
            StunMessage res = StunDecoder.decode(java.util.Arrays.copyOf(in.getData(), in.getLength()));
            assertThat(res.messageClass()).isEqualTo(MessageClass.SUCCESS);
            assertThat(res.transactionId()).isEqualTo(req.transactionId());
        }
    }

    @Test
    void binaryGarbageGetsAClearHttpError() throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            String answer = request(s, "\u0001\u0002garbage that is no protocol\r\n\r\n");
            assertThat(answer).startsWith("HTTP/1.1 400");
        }
    }

    @Test
    void oneCertificateReloadServesHttpsAndTurnsAlike(@TempDir Path dir) throws Exception {
        TlsFiles one = DevCertificate.ensure(dir.resolve("one"));
        TlsFiles two = DevCertificate.ensure(dir.resolve("two"));
        Path cert = Files.copy(one.certificateChain(), dir.resolve("cert.pem"));
        Path key = Files.copy(one.privateKey(), dir.resolve("key.pem"));
        int shared = TestServer.freePort();
        try (TestServer s = TestServer.start(Map.of("single-port", shared, "tls.cert", cert.toString(),
                "tls.key", key.toString(), "tls.reload-interval", "200ms"))) {
            String first = PemFiles.sha256Fingerprint(PemFiles.readCertificates(one.certificateChain()).get(0));
            String second = PemFiles.sha256Fingerprint(PemFiles.readCertificates(two.certificateChain()).get(0));
            assertThat(served(shared, "stun.turn")).isEqualTo(first);
            assertThat(served(shared, "http/1.1")).isEqualTo(first);
            Files.move(Files.copy(two.privateKey(), dir.resolve("key.new")), key, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            Files.move(Files.copy(two.certificateChain(), dir.resolve("cert.new")), cert, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            FileTime later = FileTime.from(Instant.now().plusSeconds(2));
            Files.setLastModifiedTime(cert, later);
            Files.setLastModifiedTime(key, later);
            await().atMost(Duration.ofSeconds(10)).until(() -> served(shared, "stun.turn").equals(second));
            assertThat(served(shared, "http/1.1")).as("the same reload for HTTPS").isEqualTo(second);
        }
    }

    /** The fingerprint of the certificate a TLS client offering {@code alpn} is given (trusting anything). */
    private static String served(int port, String alpn) throws Exception {
        SSLContext any = SSLContext.getInstance("TLS");
        any.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a) { }

            public void checkServerTrusted(X509Certificate[] c, String a) { }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket s = (SSLSocket) any.getSocketFactory().createSocket("127.0.0.1", port)) {
            SSLParameters p = s.getSSLParameters();
            p.setApplicationProtocols(new String[] {alpn});
            s.setSSLParameters(p);
            s.startHandshake();
            assertThat(s.getApplicationProtocol()).isEqualTo(alpn);
            return PemFiles.sha256Fingerprint((X509Certificate) s.getSession().getPeerCertificates()[0]);
        }
    }

    private static String request(java.net.Socket s, String raw) throws Exception {
        s.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        byte[] buf = new byte[4096];
        int n = s.getInputStream().read(buf);
        return n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.ISO_8859_1);
    }

    private static void assertBindingAnswered(InputStream in, OutputStream out) throws Exception {
        StunMessage req = StunMessage.of(MessageType.request(StunMethod.BINDING), TransactionId.random());
        out.write(StunEncoder.encode(req));
        out.flush();
        DataInputStream data = new DataInputStream(in);
        byte[] header = new byte[StunMessage.HEADER_LENGTH];
        data.readFully(header);
        int length = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
        byte[] whole = java.util.Arrays.copyOf(header, header.length + length);
        data.readFully(whole, header.length, length);
        StunMessage res = StunDecoder.decode(whole);
        assertThat(res.messageClass()).isEqualTo(MessageClass.SUCCESS);
        assertThat(res.transactionId()).isEqualTo(req.transactionId());
    }
}
