package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.TestServer;
import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM to the real process while an upload is in flight: the upload completes and survives a restart. */
@Tag("external")
class GracefulStopTest {

    @Test
    void sigtermDuringAnUploadLosesNothing(@TempDir Path dir) throws Exception {
        int port = TestServer.freePort();
        String sha;
        Process p = new ProcessBuilder("java", "-cp", System.getProperty("java.class.path"), "dev.switchboard.Main",
                "--bind", "127.0.0.1", "--http-port", Integer.toString(port), "--https-port", "0", "--turn-port", "0",
                "--data-dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(new File(dir.toFile(), "server.log")).start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode() == 200);

            byte[] photo = new byte[3 * 1024 * 1024];
            new Random(7).nextBytes(photo);
            photo[0] = (byte) 0xFF;
            photo[1] = (byte) 0xD8;
            photo[2] = (byte) 0xFF;
            sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(photo));
            String response;
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(30_000);
                OutputStream out = s.getOutputStream();
                out.write(("POST /api/rooms/stop-room/photos HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/jpeg\r\n"
                        + "Content-Length: " + photo.length + "\r\nX-Content-SHA256: " + sha + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(photo, 0, 1024 * 1024);
                out.flush();
                Thread.sleep(300);
                p.destroy(); // SIGTERM
                Thread.sleep(500);
                assertThat(p.isAlive()).as("still finishing the upload").isTrue();
                out.write(photo, 1024 * 1024, photo.length - 1024 * 1024);
                out.flush();
                InputStream in = s.getInputStream();
                response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertThat(response).startsWith("HTTP/1.1 201").contains(sha);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the process ends after the upload").isTrue();
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        try (TestServer again = TestServer.start(Map.of("data-dir", dir.toString()))) {
            String list = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(again.url()
                    + "/api/rooms/stop-room/photos")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(list).contains("\"sha256\":\"" + sha + "\"");
            assertThat(Files.list(dir.resolve("media").resolve("tmp")).count()).as("no temp files left").isZero();
        }
    }
}
