package dev.switchboard.ice;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.TestServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class IceServersHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A real, small implementation of the TURN side of the contract: coturn's REST scheme
     * (username "expiry:user", password base64(HMAC-SHA1(secret, username))) on a fixed clock.
     */
    static final class RestCredentials implements TurnCredentials {
        final byte[] secret;
        final Clock clock;

        RestCredentials(String secret, Clock clock) {
            this.secret = secret.getBytes(StandardCharsets.UTF_8);
            this.clock = clock;
        }

        @Override
        public Credential mint(String user, Duration ttl) {
            Instant expires = clock.instant().plus(ttl);
            String username = expires.getEpochSecond() + ":" + user;
            return new Credential(username, hmac(secret, username), expires);
        }

        @Override
        public List<String> urls(String host) {
            return List.of("stun:" + host + ":3478", "turn:" + host + ":3478?transport=udp",
                    "turn:" + host + ":3478?transport=tcp");
        }
    }

    static String hmac(byte[] secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret, "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends one raw request through the real HTTP codec to the handler; returns status line and JSON body. */
    private static String[] exchange(IceServersHandler handler, String request) {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                new SimpleChannelInboundHandler<FullHttpRequest>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                        handler.handle(ctx, req);
                    }
                });
        ch.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
        StringBuilder out = new StringBuilder();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            out.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        assertThat(ch.finishAndReleaseAll()).isFalse();
        String text = out.toString();
        int split = text.indexOf("\r\n\r\n");
        return new String[] {text.substring(0, split), text.substring(split + 4)};
    }

    @Test
    void withTurnEachAnswerCarriesTheUrlsAndAFreshRestCredential() throws Exception {
        Instant now = Instant.parse("2026-11-25T12:00:00Z");
        RestCredentials turn = new RestCredentials("s3cret", Clock.fixed(now, ZoneOffset.UTC));
        IceServersHandler handler = new IceServersHandler(turn, Duration.ofMinutes(10), "127.0.0.1");
        String[] res = exchange(handler, "GET /api/ice-servers HTTP/1.1\r\nHost: sb.example.org:8443\r\n\r\n");
        assertThat(res[0]).startsWith("HTTP/1.1 200").containsIgnoringCase("cache-control: no-store");
        JsonNode body = JSON.readTree(res[1]);
        assertThat(body.get("ttl").asLong()).isEqualTo(600);
        assertThat(body.get("iceServers")).hasSize(1);
        JsonNode server = body.get("iceServers").get(0);
        assertThat(server.get("urls")).extracting(JsonNode::asText).containsExactly(
                "stun:sb.example.org:3478", "turn:sb.example.org:3478?transport=udp", "turn:sb.example.org:3478?transport=tcp");
        String username = server.get("username").asText();
        assertThat(username).matches("\\d+:[0-9a-f]{16}");
        assertThat(Long.parseLong(username.substring(0, username.indexOf(':'))))
                .isEqualTo(now.plus(Duration.ofMinutes(10)).getEpochSecond());
        assertThat(server.get("credential").asText())
                .as("verifiable with the shared secret alone, as a TURN server does")
                .isEqualTo(hmac("s3cret".getBytes(StandardCharsets.UTF_8), username));

        String other = JSON.readTree(exchange(handler, "GET /api/ice-servers HTTP/1.1\r\nHost: a\r\n\r\n")[1])
                .get("iceServers").get(0).get("username").asText();
        assertThat(other).as("a new user per answer").isNotEqualTo(username);
    }

    @Test
    void theHostForTheUrlsComesOnlyFromAWellFormedHostHeader() {
        IceServersHandler h = new IceServersHandler(null, Duration.ofMinutes(1), "10.0.0.1");
        assertThat(h.host("example.org")).isEqualTo("example.org");
        assertThat(h.host("example.org:8080")).isEqualTo("example.org");
        assertThat(h.host("127.0.0.1:9000")).isEqualTo("127.0.0.1");
        assertThat(h.host("[::1]:8080")).isEqualTo("[::1]");
        assertThat(h.host("[fe80::1]")).isEqualTo("[fe80::1]");
        assertThat(h.host(null)).isEqualTo("10.0.0.1");
        assertThat(h.host("evil.example/path")).isEqualTo("10.0.0.1");
        assertThat(h.host("a b")).isEqualTo("10.0.0.1");
        assertThat(h.host("[::1")).isEqualTo("10.0.0.1");
        assertThat(h.host("[x]:1")).isEqualTo("10.0.0.1");
    }

    @Test
    void otherMethodsAre405() {
        IceServersHandler h = new IceServersHandler(null, Duration.ofMinutes(1), "127.0.0.1");
        String[] res = exchange(h, "POST /api/ice-servers HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n");
        assertThat(res[0]).startsWith("HTTP/1.1 405").containsIgnoringCase("allow: GET");
    }

    @Test
    void withoutATurnServerTheListIsEmpty() throws Exception {
        try (TestServer s = TestServer.start(java.util.Map.of("turn.port", 0))) {
            HttpResponse<String> res = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                    HttpRequest.newBuilder(URI.create(s.url() + "/api/ice-servers")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).isEqualTo(200);
            JsonNode body = JSON.readTree(res.body());
            assertThat(body.get("iceServers").isArray()).isTrue();
            assertThat(body.get("iceServers")).isEmpty();
            assertThat(body.get("ttl").asLong()).isEqualTo(3600);
        }
    }

    @Test
    void theBuiltInTurnServerIsListedWithFreshRestCredentials() throws Exception {
        try (TestServer s = TestServer.start()) {
            HttpResponse<String> res = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                    HttpRequest.newBuilder(URI.create(s.url() + "/api/ice-servers")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).isEqualTo(200);
            JsonNode server = JSON.readTree(res.body()).get("iceServers").get(0);
            assertThat(server.get("urls").toString()).contains("turn:127.0.0.1:" + s.turnPort())
                    .contains("stun:127.0.0.1:" + s.turnPort());
            String username = server.get("username").asText();
            long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
            assertThat(expiry).isBetween(java.time.Instant.now().getEpochSecond() + 3500,
                    java.time.Instant.now().getEpochSecond() + 3700);
            assertThat(server.get("credential").asText()).isNotBlank();
        }
    }

    @Test
    void externalServersFollowTheBuiltInOneAndTheJoinAnswerCarriesTheSameShape() throws Exception {
        try (TestServer s = TestServer.start(java.util.Map.of("ice.servers", List.of("stun:stun.example.org:3478",
                "turns:turn.example.org:5349?transport=tcp")))) {
            JsonNode body = JSON.readTree(HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(s.url() + "/api/ice-servers")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            JsonNode servers = body.get("iceServers");
            assertThat(servers).hasSize(3);
            assertThat(servers.get(1).get("urls").toString()).isEqualTo("[\"stun:stun.example.org:3478\"]");
            assertThat(servers.get(1).has("username")).isFalse();
            assertThat(servers.get(2).get("username").asText()).isEqualTo(servers.get(0).get("username").asText());

            try (dev.switchboard.testing.JavaSioClient c = dev.switchboard.testing.JavaSioClient.connect(s.url(),
                    new String[] {"websocket"}, null)) {
                org.json.JSONObject ack = (org.json.JSONObject) c.call("join",
                        new org.json.JSONObject(java.util.Map.of("room", "ice-room")))[0];
                org.json.JSONObject ice = ack.getJSONObject("ice");
                assertThat(ice.getLong("ttl")).isEqualTo(3600);
                assertThat(ice.getJSONArray("iceServers").getJSONObject(0).getJSONArray("urls").toString())
                        .contains("turn:127.0.0.1:" + s.turnPort());
            }
        }
    }

    @Test
    void badExternalUrlsAreRefusedAtStart() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.switchboard.config.ConfigLoader.load(null,
                java.util.Map.of(), java.util.Map.of("ice.servers", List.of("http://not-ice"))))
                .hasMessageContaining("ice.servers");
    }
}
