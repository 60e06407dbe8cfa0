package dev.switchboard.media.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.media.TestImages;
import dev.switchboard.testing.TestServer;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The recording duration limit ({@code media.max-recording-duration}) against a real server. */
class RecordingDurationTest {

    @Test
    void sessionsAnnounceTheConfiguredLimitAndTwoHoursByDefault() {
        try (TestServer s = TestServer.start(Map.of())) {
            JsonNode created = RecordingApiTest.create(new Http(s.url()), "plain", "video/webm");
            assertThat(created.get("maxDurationSeconds").asLong()).isEqualTo(7200);
        }
        try (TestServer s = TestServer.start(Map.of("media.max-recording-duration", "90m"))) {
            JsonNode created = RecordingApiTest.create(new Http(s.url()), "plain", "video/webm");
            assertThat(created.get("maxDurationSeconds").asLong()).isEqualTo(5400);
        }
    }

    @Test
    void partsAndFinishPastTheLimitAreRefusedNamingTheKey() throws Exception {
        try (TestServer s = TestServer.start(Map.of("media.max-recording-duration", "1s"))) {
            Http http = new Http(s.url());
            byte[] video = RecordingApiTest.webm(20_000, 7);
            String id = RecordingApiTest.create(http, "long", "video/webm").get("id").asText();
            HttpResponse<byte[]> early = RecordingApiTest.put(http, id, 0, Arrays.copyOf(video, 10_000));
            assertThat(early.statusCode()).as("within the limit").isEqualTo(200);

            Thread.sleep(2_000); // the limit (1 s) plus its grace (half of it) have passed
            HttpResponse<byte[]> late = RecordingApiTest.put(http, id, 10_000,
                    Arrays.copyOfRange(video, 10_000, video.length));
            assertThat(late.statusCode()).isEqualTo(409);
            JsonNode error = Http.json(late);
            assertThat(error.get("error").asText()).isEqualTo("recording_too_long");
            assertThat(error.get("message").asText()).contains("media.max-recording-duration");
            assertThat(error.get("offset").asLong()).as("nothing of the late part kept").isEqualTo(10_000);

            HttpResponse<byte[]> finish = RecordingApiTest.finish(http, id, TestImages.sha256(video));
            assertThat(finish.statusCode()).isEqualTo(409);
            assertThat(Http.json(finish).get("error").asText()).isEqualTo("recording_too_long");
            assertThat(http.get("/api/rooms/long/media").body()).asString().isEqualTo("[]");
        }
    }

    @Test
    void zeroMeansNoLimit() throws Exception {
        try (TestServer s = TestServer.start(Map.of("media.max-recording-duration", "0"))) {
            Http http = new Http(s.url());
            byte[] video = RecordingApiTest.webm(5_000, 8);
            JsonNode created = RecordingApiTest.create(http, "free", "video/webm");
            assertThat(created.get("maxDurationSeconds").asLong()).isZero();
            String id = created.get("id").asText();
            Thread.sleep(300);
            assertThat(RecordingApiTest.put(http, id, 0, video).statusCode()).isEqualTo(200);
            assertThat(RecordingApiTest.finish(http, id, TestImages.sha256(video)).statusCode()).isEqualTo(201);
        }
    }
}
