package dev.switchboard.media.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.auth.Access;
import dev.switchboard.auth.RoomToken;
import dev.switchboard.auth.RoomTokens;
import dev.switchboard.media.MediaId;
import dev.switchboard.media.MediaStore;
import dev.switchboard.media.ResumableUploads;
import dev.switchboard.media.UploadKind;
import dev.switchboard.media.StorageExecutor;
import dev.switchboard.web.HttpDispatcher;
import dev.switchboard.web.Router;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The media API's routes on an EmbeddedChannel (the real dispatcher, router, guards and handlers over a
 * real store): everything decided from the head, before any storage work: 404, 405 with Allow, the
 * room name and token role, path parameters, and early answers that drain the body. Every buffer is
 * released (leak detection is paranoid).
 */
class MediaRoutesTest {
    static final String SECRET = "media-routes-test-secret";
    static final int MAX_PHOTO = 1000;

    @TempDir
    Path dir;
    MediaStore store;
    StorageExecutor executor;
    final RoomTokens tokens = new RoomTokens(SECRET, Clock.systemUTC());
    final List<ByteBuf> fed = new ArrayList<>();

    @BeforeEach
    void open() throws Exception {
        store = MediaStore.open(dir, "", 2);
        executor = new StorageExecutor(1, 4);
    }

    @AfterEach
    void close() {
        executor.close();
        store.close();
        for (ByteBuf b : fed) {
            assertThat(b.refCnt()).as("inbound buffer released").isZero();
        }
    }

    EmbeddedChannel channel(Access access) {
        ResumableUploads recordings = new ResumableUploads(store, 1 << 20, Duration.ofHours(1), 8, System::nanoTime);
        ResumableUploads files = new ResumableUploads(store, UploadKind.FILE, 1 << 20, Duration.ofHours(1),
                Duration.ZERO, 8, System::nanoTime, Clock.systemUTC());
        MediaApi api = new MediaApi(store, executor, MAX_PHOTO, 2 * MAX_PHOTO, (room, event, body) -> { }, access,
                recordings, files);
        return new EmbeddedChannel(new HttpDispatcher(new Router(api.routes())));
    }

    static DefaultHttpRequest request(HttpMethod method, String uri, String... headers) {
        DefaultHttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        r.headers().set(HttpHeaderNames.HOST, "localhost");
        for (int i = 0; i < headers.length; i += 2) {
            r.headers().set(headers[i], headers[i + 1]);
        }
        return r;
    }

    ByteBuf bytes(int n) {
        ByteBuf b = Unpooled.wrappedBuffer(new byte[n]);
        fed.add(b);
        return b;
    }

    /** Sends a body-less request; returns the one response (status, headers, body text). */
    static Answer exchange(EmbeddedChannel ch, DefaultHttpRequest req) {
        ch.writeInbound(req, LastHttpContent.EMPTY_LAST_CONTENT);
        return answer(ch);
    }

    static Answer answer(EmbeddedChannel ch) {
        FullHttpResponse res = ch.readOutbound();
        assertThat(res).as("an answer").isNotNull();
        try {
            return new Answer(res.status().code(), res.headers().get(HttpHeaderNames.ALLOW),
                    res.headers().get(HttpHeaderNames.CONNECTION), res.content().toString(StandardCharsets.UTF_8));
        } finally {
            res.release();
        }
    }

    record Answer(int status, String allow, String connection, String body) {}

    static String bearer(String token) {
        return "Bearer " + token;
    }

    @Test
    void unknownPathsUnderTheApiAre404AndKeepTheConnection() {
        EmbeddedChannel ch = channel(Access.open());
        for (String path : List.of("/api/rooms/team/nothing", "/api/rooms/team/photos/extra", "/api/nothing",
                "/api/media/" + MediaId.random().value() + "/nothing")) {
            Answer a = exchange(ch, request(HttpMethod.GET, path));
            assertThat(a.status()).as(path).isEqualTo(404);
            assertThat(a.body()).contains("\"error\":\"not_found\"").contains(path);
            assertThat(a.connection()).as("no body followed: the connection stays").isNull();
        }
        assertThat(ch.isOpen()).isTrue();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aKnownPathWithTheWrongMethodIs405WithAllow() {
        EmbeddedChannel ch = channel(Access.open());
        String id = MediaId.random().value();
        record Case(HttpMethod method, String path, String allow) {}
        for (Case c : List.of(
                new Case(HttpMethod.PUT, "/api/rooms/team/photos", "GET, HEAD, POST"),
                new Case(HttpMethod.POST, "/api/rooms/team/media", "GET, HEAD"),
                new Case(HttpMethod.GET, "/api/rooms/team/files", "POST"),
                new Case(HttpMethod.GET, "/api/rooms/team/recordings", "POST"),
                new Case(HttpMethod.GET, "/api/rooms/team/file-uploads", "POST"),
                new Case(HttpMethod.PATCH, "/api/media/" + id, "GET, HEAD, DELETE"),
                new Case(HttpMethod.DELETE, "/api/media/" + id + "/thumbnail", "GET, HEAD"),
                new Case(HttpMethod.POST, "/api/recordings/" + id, "GET, HEAD, PUT, PATCH, DELETE"),
                new Case(HttpMethod.GET, "/api/file-uploads/" + id + "/finish", "POST"))) {
            Answer a = exchange(ch, request(c.method(), c.path()));
            assertThat(a.status()).as(c.method() + " " + c.path()).isEqualTo(405);
            assertThat(a.allow()).as(c.method() + " " + c.path()).isEqualTo(c.allow());
            assertThat(a.body()).contains("\"error\":\"method_not_allowed\"");
        }
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void pathParametersReachTheGuardsAndHandlers() {
        EmbeddedChannel ch = channel(Access.open());
        Answer badRoom = exchange(ch, request(HttpMethod.POST, "/api/rooms/no%20spaces/photos", "Content-Type", "image/png"));
        assertThat(badRoom.status()).isEqualTo(400);
        assertThat(badRoom.body()).contains("\"error\":\"bad_room\"");
        assertThat(exchange(ch, request(HttpMethod.GET, "/api/rooms//media")).body()).contains("bad_room");
        for (String path : List.of("/api/media/not-an-id", "/api/media/not-an-id/thumbnail")) {
            Answer a = exchange(ch, request(HttpMethod.GET, path));
            assertThat(a.status()).as(path).isEqualTo(400);
            assertThat(a.body()).contains("\"error\":\"bad_id\"");
        }
        Answer limit = exchange(ch, request(HttpMethod.GET, "/api/rooms/team/photos?limit=0"));
        assertThat(limit.status()).isEqualTo(400);
        assertThat(limit.body()).contains("limit must be between 1 and");
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void roomRoutesNeedTheirRoleInThatRoom() {
        Access access = Access.tokens(tokens, new SimpleMeterRegistry());
        EmbeddedChannel ch = channel(access);
        String viewer = tokens.mint("team", "v", RoomToken.Role.VIEWER, Duration.ofMinutes(5));
        String member = tokens.mint("team", "m", RoomToken.Role.MEMBER, Duration.ofMinutes(5));
        String elsewhere = tokens.mint("other", "o", RoomToken.Role.ADMIN, Duration.ofMinutes(5));

        assertThat(exchange(ch, request(HttpMethod.POST, "/api/rooms/team/photos", "Content-Type", "text/plain"))
                .status()).as("no token").isEqualTo(401);
        assertThat(exchange(ch, request(HttpMethod.POST, "/api/rooms/team/photos", "Content-Type", "text/plain",
                "Authorization", bearer(viewer))).status()).as("a viewer may not upload").isEqualTo(403);
        assertThat(exchange(ch, request(HttpMethod.POST, "/api/rooms/team/files", "Authorization", bearer(elsewhere)))
                .status()).as("a token for another room").isEqualTo(403);
        Answer admitted = exchange(ch, request(HttpMethod.POST, "/api/rooms/team/photos", "Content-Type", "text/plain",
                "Authorization", bearer(member)));
        assertThat(admitted.status()).as("a member passes the guard; the handler refuses the type").isEqualTo(415);
        assertThat(exchange(ch, request(HttpMethod.GET, "/api/rooms/team/media")).status()).isEqualTo(401);
        assertThat(exchange(ch, request(HttpMethod.GET, "/api/rooms/team/media?limit=0", "Authorization",
                bearer(viewer))).status()).as("a viewer may list; the handler judges the limit").isEqualTo(400);
        assertThat(exchange(ch, request(HttpMethod.DELETE, "/api/media/" + MediaId.random().value(),
                "Authorization", bearer(member))).status()).as("deleting needs the admin role").isEqualTo(403);
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void anEarlyAnswerToARequestWithABodyClosesOnlyOnceTheBodyIsDrained() {
        Access access = Access.tokens(tokens, new SimpleMeterRegistry());
        String member = tokens.mint("team", "m", RoomToken.Role.MEMBER, Duration.ofMinutes(5));
        List<DefaultHttpRequest> refused = List.of(
                // the router's 404 and 405, the guard's 401, the handler's 413 (declared length)
                request(HttpMethod.POST, "/api/rooms/team/nothing", "Content-Length", "3000"),
                request(HttpMethod.PUT, "/api/rooms/team/photos", "Content-Length", "3000"),
                request(HttpMethod.POST, "/api/rooms/team/photos", "Content-Length", "3000", "Content-Type", "image/png"),
                request(HttpMethod.POST, "/api/rooms/team/photos", "Content-Length", "3000", "Content-Type", "image/png",
                        "Authorization", bearer(member)));
        List<Integer> statuses = new ArrayList<>();
        for (DefaultHttpRequest req : refused) {
            EmbeddedChannel ch = channel(access);
            ch.writeInbound(req);
            Answer a = answer(ch);
            statuses.add(a.status());
            assertThat(a.connection()).as(a.status() + ": the answer says the connection ends").isEqualToIgnoringCase("close");
            ch.writeInbound(new DefaultHttpContent(bytes(1000)), new DefaultHttpContent(bytes(1000)));
            assertThat(ch.isOpen()).as(a.status() + ": open while the client still sends").isTrue();
            ch.writeInbound(new DefaultLastHttpContent(bytes(1000)));
            ch.runPendingTasks();
            assertThat(ch.isOpen()).as(a.status() + ": closed once the body ended").isFalse();
            assertThat((Object) ch.readOutbound()).as("nothing more was answered").isNull();
            assertThat(ch.finishAndReleaseAll()).isFalse();
        }
        assertThat(statuses).containsExactly(404, 405, 401, 413);
    }
}
