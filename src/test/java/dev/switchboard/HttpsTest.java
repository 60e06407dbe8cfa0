package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.net.tls.DevCertificate;
import dev.switchboard.net.tls.PemFiles;
import dev.switchboard.net.tls.TlsFiles;
import dev.switchboard.testing.TestServer;
import dev.switchboard.testing.Tls;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS and secure WebSockets on the generated certificate, TLS 1.2+ only, and reload without restart. */
class HttpsTest {

    @Test
    void httpsAndWssWorkWithTheDevelopmentCertificate() throws Exception {
        int port = TestServer.freePort();
        try (TestServer server = TestServer.start(Map.of("https.port", port))) {
            Path cert = server.dataDir().resolve("tls/dev-cert.pem");
            assertThat(cert).exists();
            Tls tls = Tls.trusting(cert);
            assertThat(server.server().banner()).contains("https://127.0.0.1:" + port + "/")
                    .contains(server.server().tls().fingerprint());

            HttpClient http = HttpClient.newBuilder().sslContext(tls.context).build();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/healthz"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/socket.io/socket.io.min.js")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).as("localhost is a name of the certificate").isEqualTo(200);

            OkHttpClient ok = new OkHttpClient.Builder().sslSocketFactory(tls.context.getSocketFactory(), tls.trustManager).build();
            IO.Options opts = IO.Options.builder().setTransports(new String[] {"websocket"}).setReconnection(false).build();
            opts.callFactory = ok;
            opts.webSocketFactory = ok;
            Socket socket = IO.socket(URI.create("https://127.0.0.1:" + port), opts);
            CompletableFuture<Object[]> ack = new CompletableFuture<>();
            socket.on(Socket.EVENT_CONNECT, a -> socket.emit("join", new org.json.JSONObject(Map.of("room", "secure")),
                    (io.socket.client.Ack) ack::complete));
            socket.connect();
            try {
                org.json.JSONObject res = (org.json.JSONObject) ack.get(10, TimeUnit.SECONDS)[0];
                assertThat(res.getBoolean("ok")).as("joined over wss").isTrue();
            } finally {
                socket.close();
            }
        }
    }

    @Test
    void tlsOlderThan12IsRefused() throws Exception {
        int port = TestServer.freePort();
        try (TestServer server = TestServer.start(Map.of("https.port", port))) {
            SSLContext ctx = Tls.trusting(server.dataDir().resolve("tls/dev-cert.pem")).context;
            try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
                SSLParameters p = s.getSSLParameters();
                p.setProtocols(new String[] {"TLSv1.1"});
                s.setSSLParameters(p);
                assertThatThrownBy(s::startHandshake).isInstanceOf(javax.net.ssl.SSLException.class);
            }
        }
    }

    @Test
    void aReplacedCertificateIsServedWithoutRestart(@TempDir Path dir) throws Exception {
        TlsFiles one = DevCertificate.ensure(dir.resolve("one"));
        TlsFiles two = DevCertificate.ensure(dir.resolve("two"));
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Files.copy(one.certificateChain(), cert);
        Files.copy(one.privateKey(), key);
        int port = TestServer.freePort();
        try (TestServer server = TestServer.start(Map.of("https.port", port, "tls.cert", cert.toString(),
                "tls.key", key.toString(), "tls.reload-interval", "200ms"))) {
            String first = PemFiles.sha256Fingerprint(PemFiles.readCertificates(one.certificateChain()).get(0));
            String second = PemFiles.sha256Fingerprint(PemFiles.readCertificates(two.certificateChain()).get(0));
            assertThat(served(port)).isEqualTo(first);

            Path tmpKey = Files.copy(two.privateKey(), dir.resolve("key.new"));
            Path tmpCert = Files.copy(two.certificateChain(), dir.resolve("cert.new"));
            Files.move(tmpKey, key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.move(tmpCert, cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            FileTime later = FileTime.from(Instant.now().plusSeconds(2));
            Files.setLastModifiedTime(cert, later);
            Files.setLastModifiedTime(key, later);
            await().atMost(Duration.ofSeconds(10)).until(() -> served(port).equals(second));
        }
    }

    /** The fingerprint of the certificate a new TLS connection is given (trusting anything, to look). */
    private static String served(int port) throws Exception {
        SSLContext any = SSLContext.getInstance("TLS");
        any.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a) { }

            public void checkServerTrusted(X509Certificate[] c, String a) { }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket s = (SSLSocket) any.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.startHandshake();
            return PemFiles.sha256Fingerprint((X509Certificate) s.getSession().getPeerCertificates()[0]);
        }
    }
}
