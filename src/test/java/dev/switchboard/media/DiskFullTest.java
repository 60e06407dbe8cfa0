package dev.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk, for real: a 24 MiB tmpfs mounted as the data dir inside a private mount namespace (a
 * holder process made by {@code unshare -m}; the server joins it with {@code nsenter}, so the tmpfs
 * outlives a server restart and vanishes with the holder). Uploads until the disk is full must answer 507
 * with the reason and the free bytes, never 500; reads keep working; /readyz says 503; remounting the
 * tmpfs bigger (space freed, no restart) makes the server ready again by its own probe and uploads work;
 * a restart afterwards finds every acknowledged upload with its bytes, no orphan and no temporary file.
 * Skipped, with the reason, when not root.
 */
@Tag("external")
class DiskFullTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path work;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aFullDiskAnswers507ThenRecoversWithoutARestartAndLosesNothing() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "mounting a tmpfs in a private mount namespace needs root; running as " + System.getProperty("user.name"));
        Path dataDir = Files.createDirectories(work.resolve("data"));
        Process holder = new ProcessBuilder("unshare", "-m", "--propagation", "private", "sh", "-c",
                "mount -t tmpfs -o size=24m tmpfs \"$0\" && echo mounted && exec sleep 3600", dataDir.toString())
                .redirectErrorStream(true).start();
        try {
            String first = new String(holder.getInputStream().readNBytes(8));
            Assumptions.assumeTrue(first.startsWith("mounted"), "cannot mount a tmpfs in a private namespace: " + first);
            Path inside = Path.of("/proc", Long.toString(holder.pid()), "root").resolve(dataDir.toString().substring(1));
            run(dataDir, holder);
            // Nothing of the tmpfs is visible outside the namespace.
            try (Stream<Path> s = Files.list(dataDir)) {
                assertThat(s).isEmpty();
            }
            assertThat(inside).exists();
        } finally {
            holder.destroyForcibly();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private void run(Path dataDir, Process holder) throws Exception {
        Path log = work.resolve("server.log");
        int port = TestServer.freePort();
        List<String> command = ServerChild.with(List.of("nsenter", "-t", Long.toString(holder.pid()), "-m", "--"));
        Map<String, String> settings = Map.of("SWITCHBOARD_STORAGE_MIN_FREE_BYTES", "0");
        Path inside = Path.of("/proc", Long.toString(holder.pid()), "root").resolve(dataDir.toString().substring(1));
        Map<String, String> acked = new LinkedHashMap<>();
        String recording = null;
        ServerChild server = ServerChild.start(command, dataDir, port, settings, log);
        try {
            String base = server.url();
            // A recording with one part acknowledged before the disk fills up.
            byte[] video = CrashHarnessTest.mp4(3 << 20, 77);
            HttpResponse<byte[]> created = http.send(HttpRequest.newBuilder(URI.create(base + "/api/rooms/full/recordings"))
                    .header("Content-Type", "video/mp4").POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(created.statusCode()).isEqualTo(201);
            String rec = JSON.readTree(created.body()).get("id").asText();
            assertThat(part(base, rec, video, 0, 1 << 20).statusCode()).isEqualTo(200);
            HttpResponse<byte[]> refused = null;
            for (int i = 0; i < 200 && refused == null; i++) {
                byte[] photo = TestImages.jpegLike(512 * 1024, 1000 + i);
                HttpResponse<byte[]> r = upload(base, photo);
                if (r.statusCode() == 201) {
                    acked.put(JSON.readTree(r.body()).get("id").asText(), CrashHarnessTest.sha256(photo));
                } else {
                    refused = r;
                }
            }
            assertThat(acked).as("some uploads fit").isNotEmpty();
            assertThat(refused).as("the disk filled up").isNotNull();
            assertThat(refused.statusCode()).as(new String(refused.body())).isEqualTo(507);
            JsonNode error = JSON.readTree(refused.body());
            assertThat(error.get("error").asText()).isIn("disk_full", "io_error");
            assertThat(error.get("freeBytes").asLong()).isLessThan(512 * 1024);
            // More uploads, of every kind: 507 or, for the database, 503; never 500, nothing partial kept.
            for (int i = 0; i < 5; i++) {
                assertThat(upload(base, TestImages.jpegLike(512 * 1024, 5000 + i)).statusCode()).isEqualTo(507);
            }
            // The recording's next part does not fit: 507, and the session stays at its acknowledged offset.
            HttpResponse<byte[]> noRoom = part(base, rec, video, 1 << 20, 2 << 20);
            assertThat(noRoom.statusCode()).as(new String(noRoom.body())).isEqualTo(507);
            assertThat(get(base + "/api/recordings/" + rec).headers().firstValue("Upload-Offset")).hasValue(
                    Integer.toString(1 << 20));
            HttpResponse<byte[]> ready = get(base + "/readyz");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(ready.body()).get("storage").get("writable").asBoolean()).isFalse();
            // Reads keep working.
            assertThat(get(base + "/api/rooms/full/photos?limit=200").statusCode()).isEqualTo(200);
            for (Map.Entry<String, String> e : acked.entrySet()) {
                HttpResponse<byte[]> b = get(base + "/api/media/" + e.getKey());
                assertThat(b.statusCode()).isEqualTo(200);
                assertThat(CrashHarnessTest.sha256(b.body())).isEqualTo(e.getValue());
            }
            try (Stream<Path> tmp = Files.list(inside.resolve("media").resolve("tmp"))) {
                assertThat(tmp).as("nothing partial kept").isEmpty();
            }
            String serverLog = Files.readString(log);
            assertThat(serverLog.lines().filter(l -> l.contains("storage: ")).count())
                    .as("one line per kind per minute:\n" + serverLog).isLessThanOrEqualTo(2);
            assertThat(serverLog).as("no stack trace per request").doesNotContain("\tat ");

            // Space is freed: the server becomes ready again by itself, without a restart, and takes uploads.
            Process grow = new ProcessBuilder("nsenter", "-t", Long.toString(holder.pid()), "-m", "--", "mount", "-o",
                    "remount,size=64m", dataDir.toString()).inheritIO().start();
            assertThat(grow.waitFor()).isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> get(base + "/readyz").statusCode() == 200);
            byte[] after = TestImages.jpegLike(512 * 1024, 9999);
            HttpResponse<byte[]> ok = upload(base, after);
            assertThat(ok.statusCode()).isEqualTo(201);
            acked.put(JSON.readTree(ok.body()).get("id").asText(), CrashHarnessTest.sha256(after));
            // The recording resumes at its acknowledged offset and finishes with exactly the bytes sent.
            assertThat(part(base, rec, video, 1 << 20, 3 << 20).statusCode()).isEqualTo(200);
            HttpResponse<byte[]> fin = http.send(HttpRequest.newBuilder(URI.create(base + "/api/recordings/" + rec
                            + "/finish")).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers
                            .ofString("{\"sha256\":\"" + CrashHarnessTest.sha256(video) + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(fin.statusCode()).as(new String(fin.body())).isEqualTo(201);
            recording = JSON.readTree(fin.body()).get("id").asText();
        } finally {
            server.kill(); // the worst stop; the restart must find everything acknowledged
        }
        ServerChild again = ServerChild.start(command, dataDir, port, settings, log);
        try {
            String base = again.url();
            assertThat(CrashHarnessTest.sha256(get(base + "/api/media/" + recording).body()))
                    .isEqualTo(CrashHarnessTest.sha256(CrashHarnessTest.mp4(3 << 20, 77)));
            assertThat(get(base + "/readyz").statusCode()).isEqualTo(200);
            JsonNode list = JSON.readTree(get(base + "/api/rooms/full/photos?limit=200").body());
            Map<String, String> listed = new LinkedHashMap<>();
            list.forEach(m -> listed.put(m.get("id").asText(), m.get("sha256").asText()));
            assertThat(listed).containsAllEntriesOf(acked);
            for (Map.Entry<String, String> e : listed.entrySet()) {
                assertThat(CrashHarnessTest.sha256(get(base + "/api/media/" + e.getKey()).body())).isEqualTo(e.getValue());
            }
            Set<String> onDisk = Reconciliation.contentDigests(inside.resolve("media"));
            Set<String> expected = new HashSet<>(listed.values());
            expected.add(CrashHarnessTest.sha256(CrashHarnessTest.mp4(3 << 20, 77))); // the recording (not a photo)
            assertThat(onDisk).as("no orphan").isEqualTo(expected);
            try (Stream<Path> tmp = Files.list(inside.resolve("media").resolve("tmp"))) {
                assertThat(tmp).isEmpty();
            }
        } finally {
            again.close();
        }
    }

    private HttpResponse<byte[]> upload(String base, byte[] photo) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/api/rooms/full/photos"))
                .header("Content-Type", "image/jpeg").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(photo)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> part(String base, String id, byte[] video, int from, int to)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/api/recordings/" + id + "?offset=" + from))
                .timeout(Duration.ofSeconds(30)).PUT(HttpRequest.BodyPublishers.ofByteArray(video, from, to - from))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
