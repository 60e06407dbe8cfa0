package dev.switchboard.media.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.auth.RoomToken;
import dev.switchboard.auth.RoomTokens;
import dev.switchboard.media.TestImages;
import dev.switchboard.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With room tokens: recordings need the member role of their room at every step. */
class RecordingAccessTest {
    static final String SECRET = "recording-access-test-secret";

    @Test
    void onlyMembersOfTheRoomMayRecordIntoIt() {
        RoomTokens tokens = new RoomTokens(SECRET, Clock.systemUTC());
        try (TestServer s = TestServer.start(Map.of("auth.secret", SECRET))) {
            Http http = new Http(s.url());
            String viewer = tokens.mint("team", "v", RoomToken.Role.VIEWER, Duration.ofMinutes(5));
            String member = tokens.mint("team", "m", RoomToken.Role.MEMBER, Duration.ofMinutes(5));
            String elsewhere = tokens.mint("other", "o", RoomToken.Role.ADMIN, Duration.ofMinutes(5));

            assertThat(create(http, null).statusCode()).isEqualTo(401);
            assertThat(create(http, viewer).statusCode()).as("viewers may not record").isEqualTo(403);
            assertThat(create(http, elsewhere).statusCode()).as("wrong room").isEqualTo(403);
            HttpResponse<byte[]> created = create(http, member);
            assertThat(created.statusCode()).isEqualTo(201);
            String id = Http.json(created).get("id").asText();

            byte[] video = RecordingApiTest.webm(20_000, 9);
            HttpRequest.Builder part = http.request("/api/recordings/" + id + "?offset=0")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(video));
            assertThat(http.send(part.build()).statusCode()).as("no token").isEqualTo(401);
            assertThat(http.send(part.header("Authorization", "Bearer " + elsewhere).build()).statusCode())
                    .as("a token for another room").isEqualTo(403);
            assertThat(http.send(http.request("/api/recordings/" + id + "?offset=0")
                    .header("Authorization", "Bearer " + member)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(video)).build()).statusCode()).isEqualTo(200);
            HttpResponse<byte[]> done = http.send(http.request("/api/recordings/" + id + "/finish")
                    .header("Authorization", "Bearer " + member)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"sha256\":\"" + TestImages.sha256(video) + "\"}")).build());
            assertThat(done.statusCode()).isEqualTo(201);
        }
    }

    private static HttpResponse<byte[]> create(Http http, String token) {
        HttpRequest.Builder b = http.request("/api/rooms/team/recordings").header("Content-Type", "video/webm")
                .POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build());
    }
}
