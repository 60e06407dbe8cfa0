package dev.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 while clients work, restart on the same data dir, check what was acknowledged. Each round:
 * the real server as a child process; {@link #CLIENTS} clients upload photos (64-256 KiB), delete
 * photos they saw acknowledged, and append parts to resumable recordings; after a random 0.2-1.5 s the
 * server is killed (SIGKILL). After the restart: every upload answered 201 is listed and its bytes match
 * its SHA-256; every delete answered 204 stays deleted (404, not listed); every listed item's bytes match
 * its digest (nothing partial visible); no content file without a row and no temporary file remain; every
 * recording comes back at least at its last acknowledged offset, and finishing it from there gives
 * exactly the bytes sent. 3 rounds by default; {@code -Dcrash.rounds=N} for a long run
 * (docs/reliability.md has the figures); {@code -Dserver.jar=JAR} runs it against another build.
 */
@Tag("external")
class CrashHarnessTest {
    static final int CLIENTS = 6;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** What the clients were told, across rounds. */
    private final Map<String, String> acked = new ConcurrentHashMap<>(); // id -> sha256
    private final Set<String> deleted = ConcurrentHashMap.newKeySet();
    private final Set<String> verified = new HashSet<>();
    private final Set<String> deletedChecked = new HashSet<>();
    private final Map<String, byte[]> sentBytes = new ConcurrentHashMap<>(); // sha256 -> bytes (all attempts)
    private final Map<String, Recording> recordings = new ConcurrentHashMap<>();
    private final AtomicLong uploadsAcked = new AtomicLong();
    private final AtomicLong deletesAcked = new AtomicLong();
    private final AtomicLong partsAcked = new AtomicLong();
    private final AtomicLong recordingsFinished = new AtomicLong();
    private final AtomicLong seeds = new AtomicLong();

    /** A resumable recording: its full bytes and the offset last acknowledged to the client. */
    static final class Recording {
        final String id;
        final byte[] bytes;
        volatile long acked;
        volatile boolean busy;

        Recording(String id, byte[] bytes) {
            this.id = id;
            this.bytes = bytes;
        }
    }

    @Test
    void nothingAcknowledgedIsLostAcrossKillNineRestarts() throws Exception {
        int rounds = Integer.getInteger("crash.rounds", 3);
        Path dataDir = Files.createDirectories(work.resolve("data"));
        Path log = work.resolve("server.log");
        int port = TestServer.freePort();
        Map<String, String> settings = Map.of("SWITCHBOARD_STORAGE_MIN_FREE_BYTES", "0",
                "SWITCHBOARD_MEDIA_RECORDING_IDLE_TIMEOUT", "1h");
        Random random = new Random(Long.getLong("crash.seed", System.nanoTime()));
        long started = System.nanoTime();
        for (int round = 1; round <= rounds; round++) {
            ServerChild server = ServerChild.start(ServerChild.with(List.of()), dataDir, port, settings, log);
            try {
                verify(server, dataDir, round);
                AtomicBoolean stop = new AtomicBoolean();
                ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
                for (int c = 0; c < CLIENTS; c++) {
                    long seed = random.nextLong();
                    clients.execute(() -> work(server.url(), new Random(seed), stop));
                }
                Thread.sleep(200 + random.nextInt(1300));
                server.kill();
                stop.set(true);
                clients.shutdown();
                assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            } finally {
                server.close();
            }
        }
        ServerChild last = ServerChild.start(ServerChild.with(List.of()), dataDir, port, settings, log);
        try {
            verify(last, dataDir, rounds + 1);
        } finally {
            last.close();
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        String figures = String.format("crash harness: %d rounds in %d s; acknowledged: %d uploads, %d deletes,"
                        + " %d recording parts, %d recordings finished after a restart; lost: 0",
                rounds, seconds, uploadsAcked.get(), deletesAcked.get(), partsAcked.get(), recordingsFinished.get());
        System.out.println(figures);
        assertThat(uploadsAcked.get()).as("the clients got uploads through").isPositive();
    }

    // ---- the clients ----

    private void work(String base, Random r, AtomicBoolean stop) {
        while (!stop.get()) {
            try {
                int op = r.nextInt(10);
                if (op < 6) {
                    upload(base, r);
                } else if (op < 8) {
                    delete(base, r);
                } else {
                    recordingPart(base, r);
                }
            } catch (IOException | InterruptedException e) {
                if (stop.get()) {
                    return; // the server is gone: the outcome of the request in flight is unknown
                }
            }
        }
    }

    private void upload(String base, Random r) throws IOException, InterruptedException {
        byte[] photo = TestImages.jpegLike(64 * 1024 + r.nextInt(192 * 1024), seeds.incrementAndGet() * 7919);
        String sha = sha256(photo);
        sentBytes.put(sha, photo);
        HttpResponse<byte[]> res = http.send(HttpRequest.newBuilder(URI.create(base + "/api/rooms/crash/photos"))
                .header("Content-Type", "image/jpeg").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(photo)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (res.statusCode() == 201) {
            JsonNode j = JSON.readTree(res.body());
            assertThat(j.get("sha256").asText()).isEqualTo(sha);
            acked.put(j.get("id").asText(), sha);
            uploadsAcked.incrementAndGet();
        }
    }

    private void delete(String base, Random r) throws IOException, InterruptedException {
        List<String> ids = new ArrayList<>(acked.keySet());
        if (ids.isEmpty()) {
            return;
        }
        String id = ids.get(r.nextInt(ids.size()));
        if (acked.remove(id) == null) {
            return; // another client took it
        }
        HttpResponse<Void> res = http.send(HttpRequest.newBuilder(URI.create(base + "/api/media/" + id))
                .timeout(Duration.ofSeconds(30)).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        if (res.statusCode() == 204) {
            deleted.add(id);
            deletesAcked.incrementAndGet();
        }
        // any other outcome (cut off by the kill): neither acknowledged nor deleted, not checked
    }

    private void recordingPart(String base, Random r) throws IOException, InterruptedException {
        Recording rec = null;
        for (Recording x : recordings.values()) {
            if (!x.busy && x.acked < x.bytes.length) {
                synchronized (x) {
                    if (!x.busy) {
                        x.busy = true;
                        rec = x;
                        break;
                    }
                }
            }
        }
        if (rec == null) {
            if (recordings.size() >= 8) {
                return;
            }
            byte[] bytes = mp4(256 * 1024 + r.nextInt(256 * 1024), seeds.incrementAndGet() * 104729);
            HttpResponse<byte[]> res = http.send(HttpRequest.newBuilder(URI.create(base + "/api/rooms/crash/recordings"))
                    .header("Content-Type", "video/mp4").timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (res.statusCode() != 201) {
                return;
            }
            rec = new Recording(JSON.readTree(res.body()).get("id").asText(), bytes);
            rec.busy = true;
            recordings.put(rec.id, rec);
        }
        try {
            long at = rec.acked;
            int n = (int) Math.min(rec.bytes.length - at, 16 * 1024 + r.nextInt(64 * 1024));
            HttpResponse<Void> res = http.send(HttpRequest.newBuilder(URI.create(base + "/api/recordings/" + rec.id
                            + "?offset=" + at)).timeout(Duration.ofSeconds(30))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(rec.bytes, (int) at, n)).build(),
                    HttpResponse.BodyHandlers.discarding());
            if (res.statusCode() == 200) {
                long offset = Long.parseLong(res.headers().firstValue("Upload-Offset").orElseThrow());
                assertThat(offset).isEqualTo(at + n);
                rec.acked = offset;
                partsAcked.incrementAndGet();
            }
        } finally {
            rec.busy = false;
        }
    }

    // ---- after each restart ----

    private void verify(ServerChild server, Path dataDir, int round) throws Exception {
        String base = server.url();
        // Every item listed, with its bytes checked against its digest.
        Map<String, String> listed = new java.util.HashMap<>();
        String before = null;
        while (true) {
            HttpResponse<byte[]> page = get(base + "/api/rooms/crash/media?limit=200" + (before == null ? "" : "&before=" + before));
            assertThat(page.statusCode()).isEqualTo(200);
            JsonNode items = JSON.readTree(page.body());
            for (JsonNode m : items) {
                listed.put(m.get("id").asText(), m.get("sha256").asText());
            }
            if (page.headers().firstValue("X-Next-Before").isEmpty()) {
                break;
            }
            before = page.headers().firstValue("X-Next-Before").get();
        }
        for (Map.Entry<String, String> e : listed.entrySet()) {
            if (!verified.add(e.getKey())) {
                continue; // content is immutable: bytes checked once per item, presence every round
            }
            HttpResponse<byte[]> bytes = get(base + "/api/media/" + e.getKey());
            assertThat(bytes.statusCode()).as("round %d: listed %s answers", round, e.getKey()).isEqualTo(200);
            assertThat(sha256(bytes.body())).as("round %d: %s holds the bytes of its digest", round, e.getKey())
                    .isEqualTo(e.getValue());
        }
        for (Map.Entry<String, String> e : acked.entrySet()) {
            assertThat(listed).as("round %d: acknowledged upload %s is listed", round, e.getKey())
                    .containsEntry(e.getKey(), e.getValue());
        }
        for (String id : deleted) {
            assertThat(listed).as("round %d: acknowledged delete %s stays deleted", round, id).doesNotContainKey(id);
            if (deletedChecked.add(id)) {
                assertThat(get(base + "/api/media/" + id).statusCode()).isEqualTo(404);
            }
        }
        // No orphan: every content file is some listed item's (files kept for peers are not made here).
        Set<String> onDisk = Reconciliation.contentDigests(dataDir.resolve("media"));
        assertThat(onDisk).as("round %d: content files = listed digests", round)
                .containsExactlyInAnyOrderElementsOf(new HashSet<>(listed.values()));
        try (Stream<Path> tmp = Files.list(dataDir.resolve("media").resolve("tmp"))) {
            assertThat(tmp).as("round %d: no temporary file left", round).isEmpty();
        }
        // Recordings: back at their acknowledged offset or later; finished here, they hold exactly the bytes sent.
        for (Recording rec : new ArrayList<>(recordings.values())) {
            HttpResponse<byte[]> st = get(base + "/api/recordings/" + rec.id);
            assertThat(st.statusCode()).as("round %d: recording %s survives", round, rec.id).isEqualTo(200);
            long offset = Long.parseLong(st.headers().firstValue("Upload-Offset").orElseThrow());
            assertThat(offset).as("round %d: recording %s offset", round, rec.id).isGreaterThanOrEqualTo(rec.acked)
                    .isLessThanOrEqualTo(rec.bytes.length);
            rec.acked = offset;
            if (offset < rec.bytes.length && (rec.bytes.length - offset) % 3 != 0) {
                continue; // about two thirds stay open into the next round
            }
            if (offset < rec.bytes.length) {
                HttpResponse<Void> put = http.send(HttpRequest.newBuilder(URI.create(base + "/api/recordings/" + rec.id
                                + "?offset=" + offset)).PUT(HttpRequest.BodyPublishers.ofByteArray(rec.bytes, (int) offset,
                                (int) (rec.bytes.length - offset))).build(), HttpResponse.BodyHandlers.discarding());
                assertThat(put.statusCode()).isEqualTo(200);
            }
            String sha = sha256(rec.bytes);
            HttpResponse<byte[]> fin = http.send(HttpRequest.newBuilder(URI.create(base + "/api/recordings/" + rec.id
                            + "/finish")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"sha256\":\"" + sha + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(fin.statusCode()).as("round %d: recording %s finishes: %s", round, rec.id,
                    new String(fin.body())).isEqualTo(201);
            acked.put(JSON.readTree(fin.body()).get("id").asText(), sha);
            recordings.remove(rec.id);
            recordingsFinished.incrementAndGet();
        }
    }

    private HttpResponse<byte[]> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static byte[] mp4(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        byte[] box = {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'};
        System.arraycopy(box, 0, b, 0, box.length);
        return b;
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
