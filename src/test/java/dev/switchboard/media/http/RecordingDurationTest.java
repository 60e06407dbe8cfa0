package dev.switchboard.media.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.media.MediaStore;
import dev.switchboard.media.MediaType;
import dev.switchboard.media.ResumableUpload;
import dev.switchboard.media.ResumableUploads;
import dev.switchboard.media.TestImages;
import dev.switchboard.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

            // The server's clock is the system's: wait until the limit (1 s) plus its grace (half of it) have
            // passed, asking with empty parts (nothing to keep) until one is refused.
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> RecordingApiTest.put(http, id, 10_000, new byte[0]).statusCode() == 409);
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
            assertThat(RecordingApiTest.put(http, id, 0, video).statusCode()).isEqualTo(200);
            assertThat(RecordingApiTest.finish(http, id, TestImages.sha256(video)).statusCode()).isEqualTo(201);
        }
    }

    @Test
    void theLimitAndItsGraceCountOnTheInjectedClockAndZeroNeverEnds(@TempDir Path dir) throws Exception {
        AtomicLong nanos = new AtomicLong(1_000);
        try (MediaStore a = MediaStore.open(dir.resolve("a"), "", 2);
             MediaStore b = MediaStore.open(dir.resolve("b"), "", 2)) {
            ResumableUploads limited = new ResumableUploads(a, 1 << 20, Duration.ofHours(1), Duration.ofSeconds(1), 8,
                    nanos::get);
            ResumableUploads unlimited = new ResumableUploads(b, 1 << 20, Duration.ofHours(1), Duration.ZERO, 8,
                    nanos::get);
            ResumableUpload s = limited.create("long", MediaType.WEBM, -1);
            ResumableUpload free = unlimited.create("free", MediaType.WEBM, -1);
            nanos.addAndGet(Duration.ofMillis(1_500).toNanos());
            assertThat(limited.pastDuration(s)).as("the limit plus its grace (half of it) is still within").isFalse();
            nanos.incrementAndGet();
            assertThat(limited.pastDuration(s)).isTrue();
            nanos.addAndGet(Duration.ofDays(30).toNanos());
            assertThat(unlimited.pastDuration(free)).as("zero: no limit").isFalse();
            limited.abandon(s);
            unlimited.abandon(free);
        }
    }
}
