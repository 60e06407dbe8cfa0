package dev.switchboard.media.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.media.ResumableUploads;
import dev.switchboard.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Resumable upload quotas: one room holds at most {@link ResumableUploads#MAX_PER_ROOM} open sessions
 * and one client at most {@link ResumableUploads#MAX_PER_CLIENT}, so a greedy room or client gets 429
 * too_many_uploads while the others go on.
 */
class UploadQuotaTest {
    TestServer server;
    Http http;

    @BeforeEach
    void start() {
        server = TestServer.start(Map.of());
        http = new Http(server.url());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    HttpResponse<byte[]> create(String room) {
        return http.send(http.request("/api/rooms/" + room + "/recordings").header("Content-Type", "video/webm")
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    @Test
    void aGreedyRoomIsRefusedAndOtherRoomsAreNot() {
        for (int i = 0; i < ResumableUploads.MAX_PER_ROOM; i++) {
            assertThat(create("greedy").statusCode()).as("session " + i).isEqualTo(201);
        }
        HttpResponse<byte[]> refused = create("greedy");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(Http.json(refused).path("error").asText()).isEqualTo("too_many_uploads");
        assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("in this room");
        assertThat(create("modest").statusCode()).as("another room").isEqualTo(201);
        // file uploads have their own sessions
        assertThat(FileApiTest.createUpload(http, "greedy", 10).statusCode()).isEqualTo(201);
    }

    @Test
    void aGreedyClientIsRefusedAcrossRooms() {
        int rooms = ResumableUploads.MAX_PER_CLIENT / ResumableUploads.MAX_PER_ROOM;
        for (int r = 0; r < rooms; r++) {
            for (int i = 0; i < ResumableUploads.MAX_PER_ROOM; i++) {
                assertThat(create("room" + r).statusCode()).isEqualTo(201);
            }
        }
        HttpResponse<byte[]> refused = create("fresh");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("from this client");
    }
}
