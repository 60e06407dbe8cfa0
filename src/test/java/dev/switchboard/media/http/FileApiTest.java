package dev.switchboard.media.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Files of any type kept for a peer that has no direct path, in one request
 * ({@code POST /api/rooms/{room}/files}) or resumable in parts ({@code /file-uploads}): streamed to
 * disk, checked against the digest, limited by {@code media.max-file-bytes}, served back by
 * {@code /api/media/{id}} and kept out of the gallery listings.
 */
class FileApiTest {
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

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    static HttpResponse<byte[]> post(Http http, String room, byte[] body, String sha256) {
        HttpRequest.Builder b = http.request("/api/rooms/" + room + "/files")
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (sha256 != null) {
            b.header("X-Content-SHA256", sha256);
        }
        return http.send(b.build());
    }

    static void assertError(HttpResponse<byte[]> res, int status, String code, String... messageParts) {
        String text = new String(res.body(), StandardCharsets.UTF_8);
        assertThat(res.statusCode()).as(text).isEqualTo(status);
        JsonNode j = Http.json(res);
        assertThat(j.path("error").asText()).isEqualTo(code);
        for (String part : messageParts) {
            assertThat(j.path("message").asText()).contains(part);
        }
    }

    static void assertNoTemporaryFiles(TestServer s) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(RecordingApiTest.tempFiles(s)).isEmpty();
        });
    }

    @Test
    void anyFileIsStoredWithItsDigestServedBackAndLeftOutOfTheGallery() throws Exception {
        TestServer s = server(Map.of());
        Http http = new Http(s.url());
        byte[] body = random(3 * 1024 * 1024 + 5, 1);
        body[0] = 'M';
        body[1] = 'Z'; // any bytes at all: no signature is checked
        String sha = sha256(body);
        HttpResponse<byte[]> res = post(http, "drop", body, sha.toUpperCase());
        assertThat(res.statusCode()).as(new String(res.body(), StandardCharsets.UTF_8)).isEqualTo(201);
        JsonNode file = Http.json(res);
        assertThat(file.path("sha256").asText()).isEqualTo(sha);
        assertThat(file.path("size").asLong()).isEqualTo(body.length);
        assertThat(file.path("kind").asText()).isEqualTo("file");
        assertThat(file.path("contentType").asText()).isEqualTo("application/octet-stream");

        HttpResponse<byte[]> got = http.get("/api/media/" + file.path("id").asText());
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(sha256(got.body())).isEqualTo(sha);
        assertThat(got.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        HttpResponse<byte[]> range = http.get("/api/media/" + file.path("id").asText(), "Range", "bytes=100-199");
        assertThat(range.statusCode()).as("a download that broke can continue").isEqualTo(206);
        assertThat(range.body()).hasSize(100);

        assertThat(Http.json(http.get("/api/rooms/drop/media"))).isEmpty();
        assertThat(Http.json(http.get("/api/rooms/drop/photos"))).isEmpty();
        assertThat(post(http, "drop", body, sha).statusCode()).as("the same bytes again").isEqualTo(200);
        assertNoTemporaryFiles(s);
    }

    @Test
    void aMissingOrWrongDigestIsRefusedWithTheReasonAndNothingIsKept() throws Exception {
        TestServer s = server(Map.of());
        Http http = new Http(s.url());
        byte[] body = random(200_000, 2);
        assertError(post(http, "drop", body, null), 400, "bad_request", "X-Content-SHA256");
        assertError(post(http, "drop", body, "abc"), 400, "bad_request", "64 hexadecimal digits");
        assertError(post(http, "drop", body, "0".repeat(64)), 422, "hash_mismatch", sha256(body), "0".repeat(64));
        assertError(post(http, "drop", new byte[0], sha256(new byte[0])), 400, "empty_body", "no file");
        assertError(post(http, "bad.room", body, sha256(body)), 400, "bad_room");
        assertError(http.get("/api/rooms/drop/files"), 405, "method_not_allowed");
        assertNoTemporaryFiles(s);
        assertThat(s.server().media().count()).isZero();
    }

    @Test
    void aFileOverTheConfiguredLimitGets413NamingTheLimitAndTheKey() throws Exception {
        TestServer s = server(Map.of("media.max-file-bytes", 100_000));
        Http http = new Http(s.url());
        byte[] over = random(100_001, 3);
        assertError(post(http, "drop", over, sha256(over)), 413, "too_large", "100000 bytes", "media.max-file-bytes",
                "100001");
        // without a length up front the limit is found while streaming
        HttpResponse<byte[]> chunked = http.send(http.request("/api/rooms/drop/files")
                .header("X-Content-SHA256", sha256(random(300_000, 4)))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(random(300_000, 4))))
                .build());
        assertError(chunked, 413, "too_large", "media.max-file-bytes");
        byte[] exact = random(100_000, 5);
        assertThat(post(http, "drop", exact, sha256(exact)).statusCode()).as("exactly the limit").isEqualTo(201);
        assertNoTemporaryFiles(s);
    }

    static HttpResponse<byte[]> createUpload(Http http, String room, long length) {
        return http.send(http.request("/api/rooms/" + room + "/file-uploads").header("Upload-Length", String.valueOf(length))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    static HttpResponse<byte[]> part(Http http, String url, String offset, byte[] bytes, int from, int to) {
        return http.send(http.request(url + "?offset=" + offset)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes, from, to - from)).build());
    }

    static HttpResponse<byte[]> finishUpload(Http http, String url, String sha256, long size) {
        return http.send(http.request(url + "/finish").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"sha256\":\"" + sha256 + "\",\"size\":" + size + "}")).build());
    }

    @Test
    void aResumableFileUploadTakesPartsAtTheServersOffsetAndRefusesBadOnesWithTheOffset() throws Exception {
        TestServer s = server(Map.of());
        Http http = new Http(s.url());
        byte[] body = random(700_000, 7);
        String sha = sha256(body);
        HttpResponse<byte[]> created = createUpload(http, "drop", body.length);
        assertThat(created.statusCode()).as(new String(created.body(), StandardCharsets.UTF_8)).isEqualTo(201);
        String url = Http.json(created).path("url").asText();
        assertThat(url).startsWith("/api/file-uploads/");
        assertThat(created.headers().firstValue("Location")).hasValue(url);

        assertThat(part(http, url, "0", body, 0, 300_000).statusCode()).isEqualTo(200);
        assertError(part(http, url, "0", body, 0, 1000), 409, "offset_mismatch", "300000");
        assertThat(Http.json(part(http, url, "0", body, 0, 1000)).path("offset").asLong()).isEqualTo(300_000);
        assertError(part(http, url, "400000", body, 400_000, 500_000), 409, "offset_mismatch");
        assertError(part(http, url, "-5", body, 0, 10), 400, "bad_offset");
        assertError(part(http, url, "x", body, 0, 10), 400, "bad_offset");
        HttpResponse<byte[]> head = http.send(http.request(url).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(head.headers().firstValue("Upload-Offset")).hasValue("300000");
        assertError(finishUpload(http, url, sha, body.length), 409, "size_mismatch", "300000");
        assertThat(part(http, url, "300000", body, 300_000, body.length).statusCode()).isEqualTo(200);
        assertError(finishUpload(http, url, "ab".repeat(32), body.length), 422, "hash_mismatch", sha);

        HttpResponse<byte[]> done = finishUpload(http, url, sha, body.length);
        assertThat(done.statusCode()).as(new String(done.body(), StandardCharsets.UTF_8)).isEqualTo(201);
        JsonNode file = Http.json(done);
        assertThat(file.path("kind").asText()).isEqualTo("file");
        assertThat(file.path("sha256").asText()).isEqualTo(sha);
        assertThat(sha256(http.get("/api/media/" + file.path("id").asText()).body())).isEqualTo(sha);
        assertThat(Http.json(http.get("/api/rooms/drop/media"))).isEmpty();
        assertError(part(http, url, "700000", body, 0, 10), 404, "no_upload", "file upload");
        assertError(http.get("/api/rooms/drop/file-uploads"), 405, "method_not_allowed");
        assertNoTemporaryFiles(s);
    }

    @Test
    void aResumableFileUploadPastTheLimitGets413NamingTheKey() throws Exception {
        TestServer s = server(Map.of("media.max-file-bytes", 100_000));
        Http http = new Http(s.url());
        assertError(createUpload(http, "drop", 100_001), 413, "too_large", "100000 bytes", "media.max-file-bytes");
        HttpResponse<byte[]> created = createUpload(http, "drop", 100_000);
        String url = Http.json(created).path("url").asText();
        byte[] body = random(150_000, 8);
        assertThat(part(http, url, "0", body, 0, 60_000).statusCode()).isEqualTo(200);
        assertError(part(http, url, "60000", body, 60_000, 150_000), 413, "too_large", "media.max-file-bytes");
        assertThat(http.send(http.request(url).DELETE().build()).statusCode()).isEqualTo(204);
        assertNoTemporaryFiles(s);
    }

    @Test
    void aPhotoWhoseBytesTheRoomHeldAsAFileBecomesAGalleryItem() throws Exception {
        TestServer s = server(Map.of());
        Http http = new Http(s.url());
        byte[] jpeg = dev.switchboard.media.TestImages.jpeg(64, 48, 9);
        JsonNode file = Http.json(post(http, "both", jpeg, sha256(jpeg)));
        assertThat(file.path("kind").asText()).isEqualTo("file");
        HttpResponse<byte[]> photo = http.upload("both", "image/jpeg", jpeg, null);
        assertThat(photo.statusCode()).isEqualTo(201);
        assertThat(Http.json(photo).path("kind").asText()).isEqualTo("photo");
        assertThat(Http.json(photo).path("id").asText()).isEqualTo(file.path("id").asText());
        assertThat(Http.json(http.get("/api/rooms/both/photos"))).hasSize(1);
        assertThat(Http.json(post(http, "both", jpeg, sha256(jpeg))).path("kind").asText())
                .as("sending it as a file again keeps the photo").isEqualTo("photo");
    }

    @Test
    void photosStillNeedAnImageTypeAfterFilesTakeAnyBytes() throws IOException {
        TestServer s = server(Map.of());
        Http http = new Http(s.url());
        HttpResponse<byte[]> res = http.upload("room", "application/octet-stream", random(1000, 6), null);
        assertError(res, 415, "unsupported_type");
    }
}
