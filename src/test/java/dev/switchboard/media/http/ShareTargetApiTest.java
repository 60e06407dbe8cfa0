package dev.switchboard.media.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /share-target} answered by the server (no service worker took the share): the form is
 * kept in the share inbox and the browser sent to the share page; malformed forms get a clear 400.
 */
class ShareTargetApiTest {
    private final List<TestServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(TestServer::close);
    }

    private TestServer server(Map<String, Object> settings) {
        TestServer s = TestServer.start(settings);
        servers.add(s);
        return s;
    }

    static HttpResponse<byte[]> share(Http http, String contentType, byte[] body) {
        return http.send(http.request("/share-target").header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    /** A form as a browser posts it: text fields, then each file as a "files" part. */
    static byte[] form(String boundary, Map<String, String> fields, Map<String, byte[]> files) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        fields.forEach((k, v) -> o.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + k
                + "\"\r\n\r\n" + v + "\r\n").getBytes(StandardCharsets.UTF_8)));
        files.forEach((name, bytes) -> {
            o.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"" + name
                    + "\"\r\nContent-Type: " + (name.endsWith(".txt") ? "text/plain" : "application/octet-stream")
                    + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            o.writeBytes(bytes);
            o.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        });
        o.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return o.toByteArray();
    }

    private static List<Path> inboxFiles(TestServer s) throws Exception {
        Path inbox = s.dataDir().resolve("media").resolve("inbox");
        try (Stream<Path> f = Files.walk(inbox)) {
            return f.filter(p -> !p.equals(inbox)).toList();
        }
    }

    @Test
    void sharedFilesWaitInTheInboxUntilTheSharePageTakesThem() throws Exception {
        TestServer s = server(Map.of());
        Http http = new Http(s.url());
        byte[] big = FileApiTest.random(300_000, 21);
        byte[] notes = "shared notes\n".getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        files.put("clip.bin", big);
        files.put("notes.txt", notes);
        HttpResponse<byte[]> r = share(http, "multipart/form-data; boundary=XyZ123",
                form("XyZ123", Map.of("text", "look at these", "title", "Trip"), files));
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(303);
        String location = r.headers().firstValue("Location").orElseThrow();
        assertThat(location).matches("/share\\.html\\?inbox=[A-Za-z0-9_-]{22}");
        String id = location.substring(location.indexOf('=') + 1);

        JsonNode j = Http.json(http.get("/api/share-inbox/" + id));
        assertThat(j.path("text").asText()).isEqualTo("look at these");
        assertThat(j.path("title").asText()).isEqualTo("Trip");
        assertThat(j.path("files")).hasSize(2);
        assertThat(j.path("files").get(0).path("name").asText()).isEqualTo("clip.bin");
        assertThat(j.path("files").get(0).path("size").asLong()).isEqualTo(big.length);
        assertThat(j.path("files").get(1).path("type").asText()).isEqualTo("text/plain");
        assertThat(http.get(j.path("files").get(0).path("url").asText()).body()).isEqualTo(big);
        HttpResponse<byte[]> txt = http.get(j.path("files").get(1).path("url").asText());
        assertThat(txt.body()).isEqualTo(notes);
        assertThat(txt.headers().firstValue("Content-Type")).hasValue("text/plain");

        assertThat(http.send(http.request("/api/share-inbox/" + id).DELETE().build()).statusCode()).isEqualTo(204);
        HttpResponse<byte[]> gone = http.get("/api/share-inbox/" + id);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(Http.json(gone).path("error").asText()).isEqualTo("no_share");
        assertThat(http.get("/api/share-inbox/" + id + "/files/0").statusCode()).isEqualTo(404);
        assertThat(inboxFiles(s)).isEmpty();
    }

    @Test
    void aShareWithNothingInItGoesToTheSharePageAndKeepsNothing() throws Exception {
        TestServer s = server(Map.of());
        Http http = new Http(s.url());
        // the form of a share sheet with no file chosen: an empty file entry
        byte[] body = ("--b1\r\nContent-Disposition: form-data; name=\"files\"; filename=\"\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n\r\n--b1--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpResponse<byte[]> r = share(http, "multipart/form-data; boundary=b1", body);
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.headers().firstValue("Location")).hasValue("/share.html");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(inboxFiles(s)).isEmpty());
    }

    @Test
    void sharesPastTheFileLimitAreRefusedAndNotKept() throws Exception {
        TestServer s = server(Map.of("media.max-file-bytes", 100_000));
        Http http = new Http(s.url());
        byte[] body = form("lim", Map.of(), Map.of("a.bin", FileApiTest.random(60_000, 1),
                "b.bin", FileApiTest.random(60_000, 2)));
        HttpResponse<byte[]> r = share(http, "multipart/form-data; boundary=lim", body);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(Http.json(r).path("error").asText()).isEqualTo("too_large");
        assertThat(Http.json(r).path("message").asText()).contains("media.max-file-bytes");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(inboxFiles(s)).isEmpty());

        byte[] fits = form("lim", Map.of(), Map.of("a.bin", FileApiTest.random(90_000, 3)));
        assertThat(share(new Http(s.url()), "multipart/form-data; boundary=lim", fits).statusCode()).isEqualTo(303);
    }

    @Test
    void malformedFormsGetAClear400AndLeaveNothing() throws Exception {
        TestServer s = server(Map.of());
        Http http = new Http(s.url());
        byte[] good = form("abc", Map.of("text", "hi"), Map.of("a.txt", "x".getBytes(StandardCharsets.UTF_8)));
        for (String type : List.of("multipart/form-data", "multipart/form-data; boundary=", "text/plain",
                "multipart/form-data; boundary=" + "b".repeat(71))) {
            HttpResponse<byte[]> r = share(http, type, good);
            assertThat(r.statusCode()).as(type).isEqualTo(400);
            assertThat(Http.json(r).path("error").asText()).isEqualTo("bad_multipart");
        }
        HttpResponse<byte[]> other = share(new Http(s.url()), "multipart/form-data; boundary=zzz", good);
        assertThat(other.statusCode()).as("a boundary the body does not use").isEqualTo(400);
        assertThat(Http.json(other).path("message").asText()).contains("boundary");

        byte[] cut = java.util.Arrays.copyOf(good, good.length - 8);
        HttpResponse<byte[]> truncated = share(new Http(s.url()), "multipart/form-data; boundary=abc", cut);
        assertThat(truncated.statusCode()).isEqualTo(400);
        assertThat(Http.json(truncated).path("message").asText()).contains("closing boundary");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(inboxFiles(s)).isEmpty());

        HttpResponse<byte[]> get = new Http(s.url()).get("/share-target");
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(new Http(s.url()).get("/api/share-inbox/not-an-id").statusCode()).isEqualTo(404);
    }
    @Test
    void aSharedFileKeepsItsFilenameStarNameAndIsStreamedBackWhole() throws Exception {
        TestServer s = server(Map.of());
        Http http = new Http(s.url());
        byte[] big = FileApiTest.random(4 * FileResponse.CHUNK + 5, 31);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(("--fs\r\nContent-Disposition: form-data; name=\"files\"; filename=\"fallback.bin\"; "
                + "filename*=UTF-8''..%2Fna%C3%AFve%E2%80%AE%20%E2%82%AC.bin\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        o.writeBytes(big);
        o.writeBytes("\r\n--fs--\r\n".getBytes(StandardCharsets.UTF_8));
        HttpResponse<byte[]> r = share(http, "multipart/form-data; boundary=fs", o.toByteArray());
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(303);
        String location = r.headers().firstValue("Location").orElseThrow();
        String id = location.substring(location.indexOf('=') + 1);

        JsonNode file = Http.json(http.get("/api/share-inbox/" + id)).path("files").get(0);
        assertThat(file.path("name").asText()).isEqualTo("na\u00efve \u20ac.bin");
        String url = file.path("url").asText();
        HttpResponse<byte[]> got = http.get(url);
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.headers().firstValue("Content-Length")).hasValue(Integer.toString(big.length));
        assertThat(got.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(FileApiTest.sha256(got.body())).isEqualTo(FileApiTest.sha256(big));
        HttpResponse<byte[]> head = http.send(http.request(url).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(head.headers().firstValue("Content-Length")).hasValue(Integer.toString(big.length));
        assertThat(head.body()).isEmpty();

        byte[] unreadable = ("--fs\r\nContent-Disposition: form-data; name=\"files\"; filename*=latin1''x.bin\r\n\r\n"
                + "x\r\n--fs--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpResponse<byte[]> bad = share(new Http(s.url()), "multipart/form-data; boundary=fs", unreadable);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(Http.json(bad).path("error").asText()).isEqualTo("bad_multipart");
        assertThat(Http.json(bad).path("message").asText()).contains("filename*");
    }
    @Test
    void aLongFileNameIsCutTo255CharactersWithoutSplittingACharacter() throws Exception {
        TestServer s = server(Map.of());
        Http http = new Http(s.url());
        String emoji = "\ud83d\udcf7"; // one character, two UTF-16 units
        byte[] body = ("--ln\r\nContent-Disposition: form-data; name=\"files\"; filename=\"" + emoji.repeat(200)
                + "\"\r\n\r\nx\r\n--ln--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpResponse<byte[]> r = share(http, "multipart/form-data; boundary=ln", body);
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(303);
        String location = r.headers().firstValue("Location").orElseThrow();
        String name = Http.json(http.get("/api/share-inbox/" + location.substring(location.indexOf('=') + 1)))
                .path("files").get(0).path("name").asText();
        assertThat(name).isEqualTo(emoji.repeat(127));
    }
}
