package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.auth.RoomToken;
import dev.switchboard.auth.RoomTokens;
import dev.switchboard.testing.JavaSioClient;
import dev.switchboard.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With auth.secret set: signed room tokens on the Socket.IO handshake and the REST API. */
class AccessControlTest {
    static final String SECRET = "access-control-test-secret";
    static final String METRICS_TOKEN = "metrics-token-for-the-test";
    static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
            (byte) 0xFF, (byte) 0xD9};
    static TestServer server;
    static RoomTokens tokens = new RoomTokens(SECRET, Clock.systemUTC());
    static HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("auth.secret", SECRET, "metrics.token", METRICS_TOKEN));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Object connectError(Map<String, String> auth) throws Exception {
        JavaSioClient c = null;
        try {
            c = JavaSioClient.connect(server.url(), new String[] {"websocket"}, auth, "error");
            return null;
        } catch (AssertionError refused) {
            return refused.getMessage();
        } finally {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void handshakeWithoutExpiredOrForgedTokenIsRefusedWithTheReason() throws Exception {
        assertThat(String.valueOf(connectError(null))).contains("missing");
        String expired = new RoomTokens(SECRET, Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC))
                .mint("team", "ada", RoomToken.Role.MEMBER, Duration.ofHours(1));
        assertThat(String.valueOf(connectError(Map.of("token", expired)))).contains("expired");
        String forged = new RoomTokens("some-other-secret-value", Clock.systemUTC())
                .mint("team", "ada", RoomToken.Role.MEMBER, Duration.ofHours(1));
        assertThat(String.valueOf(connectError(Map.of("token", forged)))).contains("bad-signature");
    }

    @Test
    void aTokenOpensItsRoomOnlyAndNamesTheUser() throws Exception {
        String token = tokens.mint("team", "ada", RoomToken.Role.MEMBER, Duration.ofMinutes(5));
        try (JavaSioClient c = JavaSioClient.connect(server.url(), new String[] {"websocket"}, Map.of("token", token), "error")) {
            JSONObject ok = (JSONObject) c.call("join", new JSONObject(Map.of("room", "team", "name", "Mallory")))[0];
            assertThat(ok.getBoolean("ok")).isTrue();
            assertThat(ok.getString("name")).as("the name comes from the token").isEqualTo("ada");
            JSONObject other = (JSONObject) c.call("join", new JSONObject(Map.of("room", "elsewhere")))[0];
            assertThat(other.getJSONObject("error").getString("code")).isEqualTo("wrong_room");
            c.socket.emit("create or join", "elsewhere");
            assertThat(((JSONObject) c.next("error").arg(0)).getString("code")).isEqualTo("wrong_room");
        }
    }

    static HttpResponse<String> upload(String room, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + "/api/rooms/" + room + "/photos"))
                .header("Content-Type", "image/jpeg").POST(HttpRequest.BodyPublishers.ofByteArray(JPEG));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theMediaApiFollowsTheSameRules() throws Exception {
        assertThat(upload("team", null).statusCode()).isEqualTo(401);
        String viewer = tokens.mint("team", "v", RoomToken.Role.VIEWER, Duration.ofMinutes(5));
        String member = tokens.mint("team", "m", RoomToken.Role.MEMBER, Duration.ofMinutes(5));
        String otherRoom = tokens.mint("other", "o", RoomToken.Role.ADMIN, Duration.ofMinutes(5));
        assertThat(upload("team", viewer).statusCode()).as("viewers may not upload").isEqualTo(403);
        assertThat(upload("team", otherRoom).statusCode()).as("wrong room").isEqualTo(403);
        HttpResponse<String> created = upload("team", member);
        assertThat(created.statusCode()).isIn(200, 201);
        String id = new JSONObject(created.body()).getString("id");

        HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/rooms/team/photos?token=" + viewer))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains(id);

        HttpRequest.Builder del = HttpRequest.newBuilder(URI.create(server.url() + "/api/media/" + id)).DELETE();
        assertThat(http.send(del.header("Authorization", "Bearer " + member).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).as("members may not delete").isEqualTo(403);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/media/" + id)).DELETE()
                .header("Authorization", "Bearer " + otherRoom).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).as("admins of another room may not delete").isEqualTo(403);
        String admin = tokens.mint("team", "boss", RoomToken.Role.ADMIN, Duration.ofMinutes(5));
        assertThat(http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/media/" + id)).DELETE()
                .header("Authorization", "Bearer " + admin).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isIn(200, 204);
    }

    @Test
    void adminsMintTokensOverTheApi() throws Exception {
        String root = tokens.mint("*", "ops", RoomToken.Role.ADMIN, Duration.ofMinutes(5));
        String body = "{\"room\":\"team\",\"user\":\"bob\",\"role\":\"viewer\",\"ttl\":60}";
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/tokens"))
                .header("Authorization", "Bearer " + tokens.mint("team", "x", RoomToken.Role.ADMIN, Duration.ofMinutes(5)))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).as("a room admin is not a server admin").isEqualTo(403);
        HttpResponse<String> minted = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/tokens"))
                .header("Authorization", "Bearer " + root).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(minted.statusCode()).isEqualTo(201);
        RoomToken t = tokens.verify(new JSONObject(minted.body()).getString("token"));
        assertThat(t.room()).isEqualTo("team");
        assertThat(t.user()).isEqualTo("bob");
        assertThat(t.role()).isEqualTo(RoomToken.Role.VIEWER);
    }

    @Test
    void refusalsAreCountedByReason() throws Exception {
        upload("team", "garbage");
        String metrics = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/metrics"))
                        .header("Authorization", "Bearer " + METRICS_TOKEN).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).containsPattern("switchboard_auth_failures_total\\{reason=\"malformed\"\\} [1-9]");
    }

    static HttpResponse<String> iceServers(String query, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + "/api/ice-servers" + query));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void turnCredentialsGoOnlyToTokenHolders() throws Exception {
        assertThat(iceServers("", null).statusCode()).as("no token").isEqualTo(401);
        assertThat(iceServers("", null).body()).doesNotContain("credential");
        String viewer = tokens.mint("team", "v", RoomToken.Role.VIEWER, Duration.ofMinutes(5));
        String forged = viewer.substring(0, viewer.length() - 2) + (viewer.endsWith("AA") ? "BB" : "AA");
        assertThat(iceServers("", forged).statusCode()).as("forged").isEqualTo(401);
        String expired = new RoomTokens(SECRET, Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC))
                .mint("team", "ada", RoomToken.Role.MEMBER, Duration.ofHours(1));
        assertThat(iceServers("", expired).statusCode()).as("expired").isEqualTo(401);
        HttpResponse<String> ok = iceServers("", viewer);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(new JSONObject(ok.body()).getJSONArray("iceServers").getJSONObject(0).has("credential")).isTrue();
        assertThat(iceServers("?token=" + viewer, null).statusCode()).as("?token= as for <img>").isEqualTo(200);
        assertThat(iceServers("?room=team", viewer).statusCode()).isEqualTo(200);
        assertThat(iceServers("?room=other", viewer).statusCode()).as("a token for another room").isEqualTo(403);
    }

    static HttpResponse<String> share(String token) throws Exception {
        String boundary = "b0undary";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nhello\r\n--" + boundary + "--\r\n";
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + "/share-target"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theShareTargetNeedsAMemberToken() throws Exception {
        assertThat(share(null).statusCode()).as("no token").isEqualTo(401);
        assertThat(share(tokens.mint("team", "v", RoomToken.Role.VIEWER, Duration.ofMinutes(5))).statusCode())
                .as("a viewer").isEqualTo(403);
        HttpResponse<String> stored = share(tokens.mint("team", "m", RoomToken.Role.MEMBER, Duration.ofMinutes(5)));
        assertThat(stored.statusCode()).isEqualTo(303);
        assertThat(stored.headers().firstValue("Location").orElseThrow()).contains("inbox=");
    }

    @Test
    void metricsNeedTheMetricsToken() throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + "/metrics"));
        HttpResponse<String> none = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        String roomAdmin = tokens.mint("*", "ops", RoomToken.Role.ADMIN, Duration.ofMinutes(5));
        assertThat(http.send(HttpRequest.newBuilder(URI.create(server.url() + "/metrics"))
                .header("Authorization", "Bearer " + roomAdmin).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .as("a room token is not the metrics token").isEqualTo(401);
        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/metrics"))
                .header("Authorization", "Bearer " + METRICS_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("switchboard_");
    }
}
