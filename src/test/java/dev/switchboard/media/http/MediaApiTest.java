package dev.switchboard.media.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.media.MediaStore;
import dev.switchboard.media.TestImages;
import dev.switchboard.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The photo API against a real server on loopback, driven by the JDK HttpClient and raw sockets. */
class MediaApiTest {
    private final List<TestServer> servers = new ArrayList<>();

    private TestServer server(Map<String, Object> settings) {
        TestServer s = TestServer.start(settings);
        servers.add(s);
        return s;
    }

    @AfterEach
    void stop() {
        servers.forEach(TestServer::close);
    }

    private static MediaStore store(TestServer s) {
        return s.server().media();
    }

    private static List<Path> contentFiles(TestServer s) throws IOException {
        Path media = s.dataDir().resolve("media");
        try (Stream<Path> files = Files.walk(media)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> !p.startsWith(media.resolve("tmp")) && !p.startsWith(media.resolve("thumbs"))).toList();
        }
    }

    private static void assertNothingStored(TestServer s) throws IOException {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            try (Stream<Path> tmp = Files.list(store(s).temporaryFiles())) {
                assertThat(tmp).isEmpty();
            }
        });
        assertThat(store(s).count()).isZero();
        assertThat(contentFiles(s)).isEmpty();
    }

    @Test
    void jpegPngAndWebpRoundTripWithTheirDigestAndRanges() throws IOException {
        TestServer s = server(Map.of());
        Http http = new Http(s.url());
        Map<String, byte[]> photos = new java.util.LinkedHashMap<>();
        photos.put("image/jpeg", TestImages.jpeg(640, 480, 1));
        photos.put("image/png", TestImages.png(300, 200, 2));
        photos.put("image/webp", TestImages.webp(5000, 3));
        for (var e : photos.entrySet()) {
            byte[] bytes = e.getValue();
            String sha = TestImages.sha256(bytes);
            HttpResponse<byte[]> created = http.upload("round-trip", e.getKey(), bytes, sha);
            assertThat(created.statusCode()).as(e.getKey()).isEqualTo(201);
            JsonNode m = Http.json(created);
            String id = m.get("id").asText();
            assertThat(m.get("room").asText()).isEqualTo("round-trip");
            assertThat(m.get("contentType").asText()).isEqualTo(e.getKey());
            assertThat(m.get("size").asLong()).isEqualTo(bytes.length);
            assertThat(m.get("sha256").asText()).isEqualTo(sha);
            assertThat(m.get("url").asText()).isEqualTo("/api/media/" + id);
            assertThat(java.time.Instant.parse(m.get("createdAt").asText())).isBefore(java.time.Instant.now().plusSeconds(1));

            HttpResponse<byte[]> full = http.get("/api/media/" + id);
            assertThat(full.statusCode()).isEqualTo(200);
            assertThat(TestImages.sha256(full.body())).isEqualTo(sha);
            assertThat(full.headers().firstValue("Content-Type")).contains(e.getKey());
            assertThat(full.headers().firstValue("ETag")).contains("\"" + sha + "\"");
            assertThat(full.headers().firstValue("Cache-Control").orElseThrow()).contains("immutable").contains("max-age=31536000");
            assertThat(full.headers().firstValue("Accept-Ranges")).contains("bytes");

            HttpResponse<byte[]> head = http.send(http.request("/api/media/" + id)
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(bytes.length);
            assertThat(head.body()).isEmpty();

            HttpResponse<byte[]> part = http.get("/api/media/" + id, "Range", "bytes=100-1099");
            assertThat(part.statusCode()).isEqualTo(206);
            assertThat(part.body()).isEqualTo(Arrays.copyOfRange(bytes, 100, 1100));
            assertThat(part.headers().firstValue("Content-Range")).contains("bytes 100-1099/" + bytes.length);

            HttpResponse<byte[]> tail = http.get("/api/media/" + id, "Range", "bytes=-10");
            assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(bytes, bytes.length - 10, bytes.length));

            HttpResponse<byte[]> past = http.get("/api/media/" + id, "Range", "bytes=" + bytes.length + "-");
            assertThat(past.statusCode()).isEqualTo(416);
            assertThat(past.headers().firstValue("Content-Range")).contains("bytes */" + bytes.length);

            HttpResponse<byte[]> overflow = http.get("/api/media/" + id, "Range", "bytes=0-9999999999999999999999");
            assertThat(overflow.statusCode()).as("a position too large for any file").isEqualTo(416);
            assertThat(overflow.headers().firstValue("Content-Range")).contains("bytes */" + bytes.length);

            HttpResponse<byte[]> staleIfRange = http.get("/api/media/" + id, "Range", "bytes=0-9", "If-Range", "\"other\"");
            assertThat(staleIfRange.statusCode()).isEqualTo(200);
            assertThat(staleIfRange.body()).isEqualTo(bytes);

            HttpResponse<byte[]> cached = http.get("/api/media/" + id, "If-None-Match", "\"" + sha + "\"");
            assertThat(cached.statusCode()).isEqualTo(304);
            assertThat(cached.body()).isEmpty();

            HttpResponse<byte[]> thumb = http.get("/api/media/" + id + "/thumbnail");
            assertThat(thumb.statusCode()).isEqualTo(200);
            if (e.getKey().equals("image/webp")) {
                assertThat(thumb.headers().firstValue("X-Thumbnail")).contains("original");
                assertThat(thumb.body()).isEqualTo(bytes);
            } else {
                assertThat(thumb.headers().firstValue("Content-Type")).contains("image/jpeg");
                java.awt.image.BufferedImage t = javax.imageio.ImageIO.read(new ByteArrayInputStream(thumb.body()));
                assertThat(Math.max(t.getWidth(), t.getHeight())).isLessThanOrEqualTo(320);
            }
        }
        JsonNode gallery = Http.json(http.get("/api/rooms/round-trip/photos"));
        assertThat(gallery).hasSize(3);
        assertThat(gallery.get(0).get("contentType").asText()).as("newest first").isEqualTo("image/webp");
        assertThat(gallery.get(2).get("contentType").asText()).isEqualTo("image/jpeg");
    }

    @Test
    void everyBadUploadGetsItsStatusAndAJsonErrorAndLeavesNothing() throws IOException {
        TestServer s = server(Map.of("media.max-photo-bytes", 100_000));
        Http http = new Http(s.url());
        byte[] jpeg = TestImages.jpeg(64, 64, 4);

        assertError(http.upload("bad.room", "image/jpeg", jpeg, null), 400, "bad_room");
        assertError(http.upload("x".repeat(65), "image/jpeg", jpeg, null), 400, "bad_room");
        assertError(http.upload("room", "image/jpeg", jpeg, "not-hex"), 400, "bad_request");
        assertError(http.upload("room", "image/jpeg", new byte[0], null), 400, "empty_body");
        assertError(http.upload("room", "image/gif", jpeg, null), 415, "unsupported_type");
        assertError(http.upload("room", null, jpeg, null), 415, "unsupported_type");
        assertError(http.upload("room", "image/png", jpeg, null), 415, "unsupported_type");
        assertError(http.upload("room", "image/jpeg", "GIF89a and then some".getBytes(StandardCharsets.US_ASCII), null),
                415, "unsupported_type");
        assertError(http.upload("room", "image/webp", "RIFF\0\0\0\0WAVEfmt ".getBytes(StandardCharsets.US_ASCII), null),
                415, "unsupported_type");
        assertError(http.upload("room", "image/jpeg", TestImages.jpegLike(100_001, 5), null), 413, "too_large");
        HttpResponse<byte[]> chunked = http.send(http.request("/api/rooms/room/photos").header("Content-Type", "image/jpeg")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(TestImages.jpegLike(300_000, 6))))
                .build());
        assertError(chunked, 413, "too_large");
        assertError(http.upload("room", "image/jpeg", jpeg, "0".repeat(64)), 422, "hash_mismatch");
        assertThat(http.upload("room", "image/jpeg", TestImages.jpegLike(100_000, 7), null).statusCode())
                .as("exactly the limit").isEqualTo(201);
        store(s).list("room", 10, null).forEach(m -> store(s).delete(m.id()));
        assertNothingStored(s);
    }

    @Test
    void unknownPhotosAndPathsAnd405() {
        TestServer s = server(Map.of());
        Http http = new Http(s.url());
        assertError(http.get("/api/media/AAAAAAAAAAAAAAAAAAAAAA"), 404, "not_found");
        assertError(http.get("/api/media/AAAAAAAAAAAAAAAAAAAAAA/thumbnail"), 404, "not_found");
        assertError(http.get("/api/media/..%2F..%2Fetc%2Fpasswd"), 404, "not_found");
        assertError(http.get("/api/media/.."), 400, "bad_id");
        assertError(http.get("/api/media/short"), 400, "bad_id");
        assertError(http.get("/api/media/AAAAAAAAAAAAAAAAAAAAAA/other"), 404, "not_found");
        assertError(http.get("/api/rooms/a/videos"), 404, "not_found");
        assertError(http.send(http.request("/api/media/AAAAAAAAAAAAAAAAAAAAAA").DELETE().build()), 404, "not_found");
        assertError(http.send(http.request("/api/rooms/a/photos").PUT(HttpRequest.BodyPublishers.ofString("x")).build()),
                405, "method_not_allowed");
        assertError(http.get("/api/rooms/a/photos?limit=0"), 400, "bad_request");
        assertError(http.get("/api/rooms/a/photos?limit=x"), 400, "bad_request");
        assertError(http.get("/api/rooms/a/photos?before=../x"), 400, "bad_request");
        assertError(http.get("/api/rooms/bad%20room/photos"), 400, "bad_room");
    }

    @Test
    void galleryIsNewestFirstAndPagedAndDeleteRemovesThePhoto() throws IOException {
        TestServer s = server(Map.of());
        Http http = new Http(s.url());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(Http.json(http.upload("paged", "image/jpeg", TestImages.jpegLike(2000, 100 + i), null)).get("id").asText());
        }
        HttpResponse<byte[]> first = http.get("/api/rooms/paged/photos?limit=2");
        assertThat(idsOf(first)).containsExactly(ids.get(4), ids.get(3));
        String next = first.headers().firstValue("X-Next-Before").orElseThrow();
        assertThat(next).isEqualTo(ids.get(3));
        HttpResponse<byte[]> second = http.get("/api/rooms/paged/photos?limit=2&before=" + next);
        assertThat(idsOf(second)).containsExactly(ids.get(2), ids.get(1));
        HttpResponse<byte[]> last = http.get("/api/rooms/paged/photos?limit=2&before=" + ids.get(1));
        assertThat(idsOf(last)).containsExactly(ids.get(0));
        assertThat(last.headers().firstValue("X-Next-Before")).isEmpty();
        assertThat(idsOf(http.get("/api/rooms/empty/photos"))).isEmpty();

        HttpResponse<byte[]> deleted = http.send(http.request("/api/media/" + ids.get(2)).DELETE().build());
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(http.get("/api/media/" + ids.get(2)).statusCode()).isEqualTo(404);
        assertThat(idsOf(http.get("/api/rooms/paged/photos"))).containsExactly(ids.get(4), ids.get(3), ids.get(1), ids.get(0));
        assertThat(contentFiles(s)).hasSize(4);
    }

    private static List<String> idsOf(HttpResponse<byte[]> res) {
        assertThat(res.statusCode()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        Http.json(res).forEach(n -> out.add(n.get("id").asText()));
        return out;
    }

    @Test
    void concurrentUploadsOfTheSamePhotoAreStoredOnce() throws Exception {
        TestServer s = server(Map.of());
        Http http = new Http(s.url());
        byte[] photo = TestImages.jpeg(800, 600, 8);
        String sha = TestImages.sha256(photo);
        List<CompletableFuture<HttpResponse<byte[]>>> all = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            all.add(http.client.sendAsync(http.request("/api/rooms/same/photos").header("Content-Type", "image/jpeg")
                    .header("X-Content-SHA256", sha).POST(HttpRequest.BodyPublishers.ofByteArray(photo)).build(),
                    HttpResponse.BodyHandlers.ofByteArray()));
        }
        List<Integer> statuses = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (var f : all) {
            HttpResponse<byte[]> r = f.get();
            statuses.add(r.statusCode());
            ids.add(Http.json(r).get("id").asText());
        }
        assertThat(statuses).containsOnly(200, 201);
        assertThat(statuses.stream().filter(c -> c == 201).count()).as("one creates, the rest find it").isEqualTo(1);
        assertThat(ids).containsOnly(ids.get(0));
        assertThat(contentFiles(s)).containsExactly(store(s).contentPath(sha));
        assertThat(store(s).count()).isEqualTo(1);
        try (Stream<Path> tmp = Files.list(store(s).temporaryFiles())) {
            assertThat(tmp).isEmpty();
        }
        // The same bytes in another room: a second row, still one file.
        assertThat(http.upload("other", "image/jpeg", photo, sha).statusCode()).isEqualTo(201);
        assertThat(contentFiles(s)).hasSize(1);
        assertThat(store(s).count()).isEqualTo(2);
    }

    @Test
    void aKilledUploadLeavesNoTempFileAndNoRow() throws Exception {
        TestServer s = server(Map.of());
        byte[] half = TestImages.jpegLike(1_000_000, 9);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), s.httpPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/rooms/killed/photos HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/jpeg\r\n"
                    + "Content-Length: 2000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(half);
            out.flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                try (Stream<Path> tmp = Files.list(store(s).temporaryFiles())) {
                    return tmp.anyMatch(p -> p.toFile().length() > 0);
                }
            });
        }
        assertNothingStored(s);
        assertThat(new Http(s.url()).get("/api/rooms/killed/photos").body()).asString().isEqualTo("[]");
    }

    @Test
    void aLargeUploadStreamsThroughBackPressureIntact() {
        TestServer s = server(Map.of());
        Http http = new Http(s.url());
        byte[] big = TestImages.jpegLike(20 * 1024 * 1024, 10);
        String sha = TestImages.sha256(big);
        HttpResponse<byte[]> r = http.upload("big", "image/jpeg", big, sha);
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(TestImages.sha256(http.get("/api/media/" + Http.json(r).get("id").asText()).body())).isEqualTo(sha);
        assertThat(http.upload("big", "image/jpeg", Arrays.copyOf(big, big.length + 1), null).statusCode())
                .as("one byte over the 20 MiB default").isEqualTo(413);
    }

    @Test
    void aRestartKeepsTheGallery() throws Exception {
        TestServer first = server(Map.of());
        Http http = new Http(first.url());
        List<String> ids = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] b = TestImages.jpeg(100, 100, 20 + i);
            bodies.add(b);
            ids.add(0, Http.json(http.upload("keep", "image/jpeg", b, null)).get("id").asText());
        }
        String before = new String(http.get("/api/rooms/keep/photos").body(), StandardCharsets.UTF_8);
        first.keepDataDir().close();
        servers.remove(first);

        TestServer second = server(Map.of("data-dir", first.dataDir().toString())).deleteDataDirOnClose();
        Http again = new Http(second.url());
        HttpResponse<byte[]> after = again.get("/api/rooms/keep/photos");
        assertThat(idsOf(after)).isEqualTo(ids);
        assertThat(new String(after.body(), StandardCharsets.UTF_8)).isEqualTo(before);
        assertThat(again.get("/api/media/" + ids.get(2)).body()).isEqualTo(bodies.get(0));
    }

    @Test
    void aSaturatedStorageExecutorAnswers503WithRetryAfter() throws Exception {
        TestServer s = server(Map.of("storage.executor-threads", 1, "storage.executor-queue", 1));
        Http http = new Http(s.url());
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        s.server().storageExecutor().execute(() -> {
            running.countDown();
            awaitQuietly(release);
        });
        running.await();
        s.server().storageExecutor().execute(() -> awaitQuietly(release)); // fills the one queue slot
        try {
            HttpResponse<byte[]> list = http.get("/api/rooms/busy/photos");
            assertError(list, 503, "busy");
            assertThat(list.headers().firstValue("Retry-After")).contains("1");
            HttpResponse<byte[]> up = http.upload("busy", "image/jpeg", TestImages.jpeg(50, 50, 30), null);
            assertError(up, 503, "busy");
            assertThat(up.headers().firstValue("Retry-After")).contains("1");
        } finally {
            release.countDown();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> s.server().storageExecutor().queued() == 0);
        assertThat(http.upload("busy", "image/jpeg", TestImages.jpeg(50, 50, 30), null).statusCode()).isEqualTo(201);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void assertError(HttpResponse<byte[]> res, int status, String code) {
        assertThat(res.statusCode()).as(new String(res.body(), StandardCharsets.UTF_8)).isEqualTo(status);
        assertThat(res.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode body = Http.json(res);
        assertThat(body.get("error").asText()).isEqualTo(code);
        assertThat(body.get("message").asText()).isNotBlank();
    }
}
