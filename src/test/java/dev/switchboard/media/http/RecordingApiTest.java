package dev.switchboard.media.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.media.TestImages;
import dev.switchboard.testing.TestServer;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.engineio.client.transports.WebSocket;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
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
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.concurrent.atomic.AtomicReference;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Resumable recording uploads against a real server: offsets, limits, digests, signatures, listing, events. */
class RecordingApiTest {
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

    /** A WebM-looking file: the EBML element ID, then noise. */
    static byte[] webm(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        b[0] = 0x1A;
        b[1] = 0x45;
        b[2] = (byte) 0xDF;
        b[3] = (byte) 0xA3;
        return b;
    }

    static byte[] mp4(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        byte[] box = {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'};
        System.arraycopy(box, 0, b, 0, box.length);
        return b;
    }

    static JsonNode create(Http http, String room, String type) {
        HttpResponse<byte[]> r = http.send(http.request("/api/rooms/" + room + "/recordings")
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(201);
        JsonNode j = Http.json(r);
        assertThat(j.get("offset").asLong()).isZero();
        return j;
    }

    static HttpResponse<byte[]> put(Http http, String id, long offset, byte[] part) {
        return http.send(http.request("/api/recordings/" + id + "?offset=" + offset)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(part)).build());
    }

    static HttpResponse<byte[]> finish(Http http, String id, String sha256) {
        return http.send(http.request("/api/recordings/" + id + "/finish").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"sha256\":\"" + sha256 + "\"}")).build());
    }

    static long headOffset(Http http, String id) {
        HttpResponse<byte[]> r = http.send(http.request("/api/recordings/" + id)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(r.statusCode()).isEqualTo(200);
        return Long.parseLong(r.headers().firstValue("Upload-Offset").orElseThrow());
    }

    @Test
    void threePartsBecomeARecordingThatIsListedServedWithRangesAndAnnounced() throws Exception {
        TestServer s = server(Map.of());
        BlockingQueue<JSONObject> added = new LinkedBlockingQueue<>();
        io.socket.client.Socket member = join(s, "studio", added);
        try {
            Http http = new Http(s.url());
            byte[] video = webm(3 * 700_000 + 123, 1);
            String id = create(http, "studio", "video/webm").get("id").asText();
            int[] cuts = {0, 700_000, 1_400_000, video.length};
            for (int i = 0; i < 3; i++) {
                HttpResponse<byte[]> r = put(http, id, cuts[i], Arrays.copyOfRange(video, cuts[i], cuts[i + 1]));
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(Http.json(r).get("offset").asLong()).isEqualTo(cuts[i + 1]);
                assertThat(r.headers().firstValue("Upload-Offset")).hasValue(String.valueOf(cuts[i + 1]));
            }
            assertThat(headOffset(http, id)).isEqualTo(video.length);
            assertThat(http.get("/api/rooms/studio/media").body()).asString().as("nothing before finish").isEqualTo("[]");

            HttpResponse<byte[]> done = finish(http, id, TestImages.sha256(video));
            assertThat(done.statusCode()).isEqualTo(201);
            JsonNode m = Http.json(done);
            assertThat(m.get("kind").asText()).isEqualTo("recording");
            assertThat(m.get("contentType").asText()).isEqualTo("video/webm");
            assertThat(m.get("size").asLong()).isEqualTo(video.length);

            JSONObject event = added.poll(10, TimeUnit.SECONDS);
            assertThat(event).as("media-added within 10 s").isNotNull();
            assertThat(event.getString("id")).isEqualTo(m.get("id").asText());
            assertThat(event.getString("kind")).isEqualTo("recording");

            JsonNode listed = Http.json(http.get("/api/rooms/studio/media"));
            assertThat(listed).hasSize(1);
            assertThat(listed.get(0).get("kind").asText()).isEqualTo("recording");
            assertThat(http.get("/api/rooms/studio/photos").body()).asString().as("photos stay photos").isEqualTo("[]");

            HttpResponse<byte[]> range = http.get(m.get("url").asText(), "Range", "bytes=1000-1999");
            assertThat(range.statusCode()).isEqualTo(206);
            assertThat(range.headers().firstValue("Content-Type")).hasValue("video/webm");
            assertThat(range.headers().firstValue("Content-Range")).hasValue("bytes 1000-1999/" + video.length);
            assertThat(range.body()).isEqualTo(Arrays.copyOfRange(video, 1000, 2000));
            assertThat(TestImages.sha256(http.get(m.get("url").asText()).body())).isEqualTo(TestImages.sha256(video));

            assertThat(http.get("/api/recordings/" + id).statusCode()).as("the session is gone").isEqualTo(404);
            assertThat(tempFiles(s)).as("no upload file left").isEmpty();
        } finally {
            member.close();
        }
    }

    @Test
    void aPartAtTheWrongOffsetGets409WithTheOffsetAndTheUploadResumes() {
        TestServer s = server(Map.of());
        Http http = new Http(s.url());
        byte[] video = mp4(200_000, 2);
        String id = create(http, "resume", "video/mp4").get("id").asText();
        assertThat(put(http, id, 0, Arrays.copyOf(video, 50_000)).statusCode()).isEqualTo(200);

        HttpResponse<byte[]> wrong = put(http, id, 60_000, Arrays.copyOfRange(video, 60_000, 70_000));
        assertThat(wrong.statusCode()).isEqualTo(409);
        assertThat(Http.json(wrong).get("offset").asLong()).isEqualTo(50_000);
        assertThat(wrong.headers().firstValue("Upload-Offset")).hasValue("50000");
        HttpResponse<byte[]> again = put(http, id, 0, Arrays.copyOf(video, 50_000));
        assertThat(again.statusCode()).as("a part sent twice").isEqualTo(409);

        long at = headOffset(http, id);
        HttpResponse<byte[]> patch = http.send(http.request("/api/recordings/" + id).header("Upload-Offset", "" + at)
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOfRange(video, (int) at, video.length)))
                .build());
        assertThat(patch.statusCode()).isEqualTo(200);
        HttpResponse<byte[]> done = finish(http, id, TestImages.sha256(video));
        assertThat(done.statusCode()).isEqualTo(201);
        assertThat(TestImages.sha256(http.get(Http.json(done).get("url").asText()).body()))
                .isEqualTo(TestImages.sha256(video));
    }

    @Test
    void aDigestMismatchIs422AndKeepsTheUploadOpen() {
        TestServer s = server(Map.of());
        Http http = new Http(s.url());
        byte[] video = webm(100_000, 3);
        String id = create(http, "digest", "video/webm").get("id").asText();
        assertThat(put(http, id, 0, Arrays.copyOf(video, 60_000)).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> early = finish(http, id, TestImages.sha256(video));
        assertThat(early.statusCode()).isEqualTo(422);
        assertThat(Http.json(early).get("error").asText()).isEqualTo("hash_mismatch");
        assertThat(Http.json(early).get("offset").asLong()).isEqualTo(60_000);
        assertThat(http.get("/api/rooms/digest/media").body()).asString().isEqualTo("[]");

        assertThat(put(http, id, 60_000, Arrays.copyOfRange(video, 60_000, video.length)).statusCode()).isEqualTo(200);
        assertThat(finish(http, id, TestImages.sha256(video)).statusCode()).isEqualTo(201);
    }

    @Test
    void aBodyThatIsNotTheDeclaredContainerIs415AndDropped() throws Exception {
        TestServer s = server(Map.of());
        Http http = new Http(s.url());
        byte[] notWebm = mp4(50_000, 4);
        String id = create(http, "magic", "video/webm").get("id").asText();
        assertThat(put(http, id, 0, notWebm).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> r = finish(http, id, TestImages.sha256(notWebm));
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(Http.json(r).get("error").asText()).isEqualTo("unsupported_type");
        assertThat(http.get("/api/recordings/" + id).statusCode()).isEqualTo(404);
        assertThat(tempFiles(s)).isEmpty();
        assertThat(http.get("/api/rooms/magic/media").body()).asString().isEqualTo("[]");

        HttpResponse<byte[]> photoType = http.send(http.request("/api/rooms/magic/recordings")
                .header("Content-Type", "image/jpeg").POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(photoType.statusCode()).as("only video types start a recording").isEqualTo(415);
        assertThat(http.upload("magic", "video/webm", webm(1000, 5), null).statusCode())
                .as("the photo endpoint takes no video").isEqualTo(415);
    }

    @Test
    void partsPastTheLimitAre413() throws Exception {
        TestServer s = server(Map.of("media.max-recording-bytes", 100_000));
        Http http = new Http(s.url());
        String id = create(http, "limit", "video/webm").get("id").asText();
        assertThat(put(http, id, 0, webm(80_000, 6)).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> over = put(http, id, 80_000, new byte[20_001]);
        assertThat(over.statusCode()).isEqualTo(413);
        assertThat(Http.json(over).get("error").asText()).isEqualTo("too_large");
        assertThat(headOffset(http, id)).as("the refused part left nothing").isEqualTo(80_000);

        HttpResponse<byte[]> declared = http.send(http.request("/api/rooms/limit/recordings")
                .header("Content-Type", "video/webm").header("Upload-Length", "100001")
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(declared.statusCode()).as("a declared total over the limit").isEqualTo(413);
    }

    @Test
    void aPartCutOffMidwayLeavesTheUploadResumableAndNothingVisible() throws Exception {
        TestServer s = server(Map.of());
        Http http = new Http(s.url());
        byte[] video = webm(3_000_000, 7);
        String id = create(http, "killed", "video/webm").get("id").asText();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), s.httpPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("PUT /api/recordings/" + id + "?offset=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Length: " + video.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(video, 0, 1_000_000);
            out.flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> headOffset(http, id) > 0);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !Http.json(http.get("/api/recordings/" + id))
                .get("busy").asBoolean());
        long at = headOffset(http, id);
        assertThat(at).isBetween(1L, 1_000_000L);
        assertThat(http.get("/api/rooms/killed/media").body()).asString().isEqualTo("[]");
        assertThat(contentFiles(s)).as("no half recording in the store").isEmpty();

        assertThat(put(http, id, at, Arrays.copyOfRange(video, (int) at, video.length)).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> done = finish(http, id, TestImages.sha256(video));
        assertThat(done.statusCode()).isEqualTo(201);
        assertThat(TestImages.sha256(http.get(Http.json(done).get("url").asText()).body()))
                .isEqualTo(TestImages.sha256(video));
    }

    @Test
    void largePartsStreamThroughBackPressureIntact() {
        TestServer s = server(Map.of());
        Http http = new Http(s.url());
        byte[] video = webm(96 << 20, 10);
        String id = create(http, "large", "video/webm").get("id").asText();
        long started = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            int from = i * (32 << 20);
            assertThat(put(http, id, from, Arrays.copyOfRange(video, from, from + (32 << 20))).statusCode()).isEqualTo(200);
        }
        HttpResponse<byte[]> done = finish(http, id, TestImages.sha256(video));
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(done.statusCode()).isEqualTo(201);
        System.out.printf("recording upload: 96 MiB in 3 parts in %.2f s (%.0f MiB/s)%n", seconds, 96 / seconds);
        assertThat(TestImages.sha256(http.get(Http.json(done).get("url").asText()).body()))
                .isEqualTo(TestImages.sha256(video));
    }

    @Test
    void idleUploadsAreSweptWithTheirBytes() throws Exception {
        TestServer s = server(Map.of("media.recording-idle-timeout", "300ms"));
        Http http = new Http(s.url());
        String id = create(http, "idle", "video/webm").get("id").asText();
        assertThat(put(http, id, 0, webm(10_000, 8)).statusCode()).isEqualTo(200);
        assertThat(tempFiles(s)).hasSize(1);
        String other = createUntilSwept(http, "idle", id);
        assertThat(http.get("/api/recordings/" + id).statusCode()).isEqualTo(404);
        assertThat(http.get("/api/recordings/" + other).statusCode()).isEqualTo(200);
        assertThat(tempFiles(s)).hasSize(1);
        HttpResponse<byte[]> cancel = http.send(http.request("/api/recordings/" + other).DELETE().build());
        assertThat(cancel.statusCode()).isEqualTo(204);
        assertThat(tempFiles(s)).isEmpty();
    }

    /**
     * The server's clock is the system's, and a new session sweeps the idle ones: sessions are created
     * (each cancelling the one before) until {@code id} is gone. Returns the last one, fresh.
     */
    static String createUntilSwept(Http http, String room, String id) {
        AtomicReference<String> probe = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            String before = probe.getAndSet(create(http, room, "video/webm").get("id").asText());
            if (before != null) {
                http.send(http.request("/api/recordings/" + before).DELETE().build());
            }
            return http.get("/api/recordings/" + id).statusCode() == 404;
        });
        return probe.get();
    }

    /** Files of uploads in progress: the temporary folder, and the session data files (one per session). */
    static List<Path> tempFiles(TestServer s) throws Exception {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> f = Files.list(s.server().media().temporaryFiles())) {
            all.addAll(f.toList());
        }
        Path sessions = s.server().media().uploadSessionFiles();
        if (Files.isDirectory(sessions)) {
            try (Stream<Path> f = Files.walk(sessions)) {
                all.addAll(f.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".part")).toList());
            }
        }
        return all;
    }

    private static List<Path> contentFiles(TestServer s) throws Exception {
        Path root = s.server().media().temporaryFiles().getParent();
        try (Stream<Path> f = Files.walk(root)) {
            return f.filter(Files::isRegularFile).filter(p -> !p.startsWith(root.resolve("tmp"))
                    && !p.startsWith(root.resolve("thumbs")) && !p.startsWith(root.resolve("uploads"))).toList();
        }
    }

    private static io.socket.client.Socket join(TestServer s, String room, BlockingQueue<JSONObject> added)
            throws Exception {
        IO.Options o = new IO.Options();
        o.transports = new String[] {WebSocket.NAME};
        o.forceNew = true;
        o.reconnection = false;
        io.socket.client.Socket socket = IO.socket(URI.create(s.url()), o);
        socket.on("media-added", args -> added.add((JSONObject) args[0]));
        CompletableFuture<Object> joined = new CompletableFuture<>();
        JSONObject request = new JSONObject().put("room", room);
        socket.on(io.socket.client.Socket.EVENT_CONNECT, args -> socket.emit("join", request,
                (Ack) ack -> joined.complete(ack[0])));
        socket.connect();
        JSONObject ack = (JSONObject) joined.get(10, TimeUnit.SECONDS);
        assertThat(ack.getBoolean("ok")).as(ack.toString()).isTrue();
        return socket;
    }
}
