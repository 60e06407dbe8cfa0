package dev.switchboard.media.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.media.TestImages;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Resumable uploads outlive the server (docs/media-api.md, "Uploads across a restart"): a session
 * created before a stop or a crash is found again after a start on the same data directory, at the
 * offset its partial file holds (never past what was acknowledged), and finishes byte-exact.
 */
class UploadRestartTest {
    private final RestartableServer servers = new RestartableServer("switchboard-restart");

    @AfterEach
    void stop() {
        servers.close();
    }

    private Http start(Map<String, Object> settings) throws Exception {
        return servers.start(settings);
    }

    private Http restart(Map<String, Object> settings) throws Exception {
        return servers.restart(settings);
    }

    private Path sessionFile(String kind, String id, String suffix) {
        return servers.dataDir().resolve("media").resolve("uploads").resolve(kind).resolve(id + suffix);
    }

    private List<Path> sessionFiles() throws Exception {
        try (Stream<Path> f = Files.walk(servers.dataDir().resolve("media").resolve("uploads"))) {
            return f.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void aRecordingUploadContinuesAfterARestartAndIsStoredByteExact() throws Exception {
        Http http = start(Map.of());
        byte[] video = RecordingApiTest.webm(900_000, 11);
        String id = RecordingApiTest.create(http, "studio", "video/webm").get("id").asText();
        assertThat(RecordingApiTest.put(http, id, 0, Arrays.copyOfRange(video, 0, 400_000)).statusCode()).isEqualTo(200);

        http = restart(Map.of());
        assertThat(RecordingApiTest.headOffset(http, id)).isEqualTo(400_000);
        JsonNode state = Http.json(http.get("/api/recordings/" + id));
        assertThat(state.path("room").asText()).isEqualTo("studio");
        assertThat(state.path("contentType").asText()).isEqualTo("video/webm");
        assertThat(RecordingApiTest.put(http, id, 0, new byte[10]).statusCode()).as("offsets still checked")
                .isEqualTo(409);
        assertThat(RecordingApiTest.put(http, id, 400_000, Arrays.copyOfRange(video, 400_000, video.length))
                .statusCode()).isEqualTo(200);

        HttpResponse<byte[]> done = RecordingApiTest.finish(http, id, TestImages.sha256(video));
        assertThat(done.statusCode()).as(new String(done.body(), StandardCharsets.UTF_8)).isEqualTo(201);
        JsonNode m = Http.json(done);
        assertThat(m.path("kind").asText()).isEqualTo("recording");
        assertThat(http.get("/api/media/" + m.path("id").asText()).body()).isEqualTo(video);
        assertThat(sessionFiles()).as("nothing left of the session").isEmpty();
        assertThat(http.get("/api/recordings/" + id).statusCode()).isEqualTo(404);
    }

    @Test
    void aFileUploadContinuesAfterARestart() throws Exception {
        Http http = start(Map.of());
        byte[] body = FileApiTest.random(600_000, 12);
        HttpResponse<byte[]> created = FileApiTest.createUpload(http, "drop", body.length);
        String url = Http.json(created).path("url").asText();
        assertThat(FileApiTest.part(http, url, "0", body, 0, 250_000).statusCode()).isEqualTo(200);

        http = restart(Map.of());
        assertThat(Http.json(http.get(url)).path("offset").asLong()).isEqualTo(250_000);
        assertThat(FileApiTest.part(http, url, "250000", body, 250_000, body.length).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> done = FileApiTest.finishUpload(http, url, FileApiTest.sha256(body), body.length);
        assertThat(done.statusCode()).as(new String(done.body(), StandardCharsets.UTF_8)).isEqualTo(201);
        assertThat(http.get("/api/media/" + Http.json(done).path("id").asText()).body()).isEqualTo(body);
        assertThat(sessionFiles()).isEmpty();
    }

    @Test
    void bytesPastTheAcknowledgedOffsetAreCutOffAtStart() throws Exception {
        Http http = start(Map.of());
        byte[] video = RecordingApiTest.webm(500_000, 13);
        String id = RecordingApiTest.create(http, "studio", "video/webm").get("id").asText();
        assertThat(RecordingApiTest.put(http, id, 0, Arrays.copyOfRange(video, 0, 200_000)).statusCode()).isEqualTo(200);
        servers.stop();
        // A crash in the middle of the next part: bytes on disk that were never acknowledged (torn).
        Files.write(sessionFile("recordings", id, ".part"), new byte[77_777], StandardOpenOption.APPEND);

        http = start(Map.of());
        assertThat(RecordingApiTest.headOffset(http, id)).isEqualTo(200_000);
        assertThat(Files.size(sessionFile("recordings", id, ".part"))).isEqualTo(200_000);
        assertThat(RecordingApiTest.put(http, id, 200_000, Arrays.copyOfRange(video, 200_000, video.length))
                .statusCode()).isEqualTo(200);
        HttpResponse<byte[]> done = RecordingApiTest.finish(http, id, TestImages.sha256(video));
        assertThat(done.statusCode()).as(new String(done.body(), StandardCharsets.UTF_8)).isEqualTo(201);
        assertThat(http.get("/api/media/" + Http.json(done).path("id").asText()).body()).isEqualTo(video);
    }

    @Test
    void aPartialFileShorterThanAcknowledgedCountsForWhatItHolds() throws Exception {
        Http http = start(Map.of());
        byte[] video = RecordingApiTest.webm(300_000, 14);
        String id = RecordingApiTest.create(http, "studio", "video/webm").get("id").asText();
        assertThat(RecordingApiTest.put(http, id, 0, Arrays.copyOfRange(video, 0, 150_000)).statusCode()).isEqualTo(200);
        servers.stop();
        Path part = sessionFile("recordings", id, ".part");
        byte[] kept = Arrays.copyOf(Files.readAllBytes(part), 100_000);
        Files.write(part, kept);

        http = start(Map.of());
        assertThat(RecordingApiTest.headOffset(http, id)).as("the file is the truth").isEqualTo(100_000);
        assertThat(RecordingApiTest.put(http, id, 100_000, Arrays.copyOfRange(video, 100_000, video.length))
                .statusCode()).isEqualTo(200);
        HttpResponse<byte[]> done = RecordingApiTest.finish(http, id, TestImages.sha256(video));
        assertThat(done.statusCode()).as("the digest was rebuilt from the file").isEqualTo(201);
    }

    @Test
    void aSessionPastItsDurationLimitIsRemovedAtStart() throws Exception {
        Http http = start(Map.of("media.max-recording-duration", "1h"));
        String id = RecordingApiTest.create(http, "studio", "video/webm").get("id").asText();
        assertThat(RecordingApiTest.put(http, id, 0, RecordingApiTest.webm(50_000, 15)).statusCode()).isEqualTo(200);
        servers.stop();
        Path meta = sessionFile("recordings", id, ".json");
        ObjectNode saved = (ObjectNode) Http.JSON.readTree(Files.readAllBytes(meta));
        saved.put("createdAt", System.currentTimeMillis() - 2 * 3600_000L); // began two hours ago
        Files.write(meta, Http.JSON.writeValueAsBytes(saved));

        http = start(Map.of("media.max-recording-duration", "1h"));
        HttpResponse<byte[]> gone = http.get("/api/recordings/" + id);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(Http.json(gone).path("error").asText()).isEqualTo("no_upload");
        assertThat(sessionFiles()).isEmpty();
    }

    @Test
    void theIdleTimerStartsAgainAtStartAndStillExpiresSessions() throws Exception {
        Map<String, Object> idle = Map.of("media.recording-idle-timeout", "1500ms");
        Http http = start(idle);
        String id = RecordingApiTest.create(http, "studio", "video/webm").get("id").asText();
        assertThat(RecordingApiTest.put(http, id, 0, RecordingApiTest.webm(10_000, 16)).statusCode()).isEqualTo(200);
        servers.stop();
        // Down longer than the idle time: all a start sees of the time down is the session's date on disk.
        Path meta = sessionFile("recordings", id, ".json");
        ObjectNode saved = (ObjectNode) Http.JSON.readTree(Files.readAllBytes(meta));
        saved.put("createdAt", saved.path("createdAt").asLong() - 2_000);
        Files.write(meta, Http.JSON.writeValueAsBytes(saved));

        http = start(idle);
        assertThat(RecordingApiTest.headOffset(http, id)).as("downtime is not idleness").isEqualTo(10_000);
        String other = RecordingApiTest.createUntilSwept(http, "studio", id);
        assertThat(http.get("/api/recordings/" + id).statusCode()).isEqualTo(404);
        assertThat(Files.exists(sessionFile("recordings", id, ".part"))).isFalse();
        assertThat(Files.exists(sessionFile("recordings", id, ".json"))).isFalse();
        assertThat(http.get("/api/recordings/" + other).statusCode()).isEqualTo(200);
    }

    @Test
    void leftoversThatDescribeNoSessionAreRemovedAtStart() throws Exception {
        start(Map.of());
        Path dir = servers.dataDir().resolve("media").resolve("uploads").resolve("recordings");
        Files.createDirectories(dir);
        Path orphan = dir.resolve("AAAAAAAAAAAAAAAAAAAAAA.part");
        Files.write(orphan, new byte[100]);
        Path noData = dir.resolve("BBBBBBBBBBBBBBBBBBBBBB.json");
        Files.writeString(noData, "{\"id\":\"BBBBBBBBBBBBBBBBBBBBBB\",\"room\":\"r\",\"type\":\"WEBM\",\"offset\":0,"
                + "\"createdAt\":" + System.currentTimeMillis() + "}");
        Path garbled = dir.resolve("CCCCCCCCCCCCCCCCCCCCCC.json");
        Files.writeString(garbled, "{not json");
        Files.write(dir.resolve("CCCCCCCCCCCCCCCCCCCCCC.part"), new byte[10]);
        Path torn = dir.resolve("DDDDDDDDDDDDDDDDDDDDDD.json.new");
        Files.writeString(torn, "{\"id\":");

        Http http = restart(Map.of());
        assertThat(sessionFiles()).isEmpty();
        HttpResponse<byte[]> r = http.get("/api/recordings/CCCCCCCCCCCCCCCCCCCCCC");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(Http.json(r).path("error").asText()).isEqualTo("no_upload");
    }
}
