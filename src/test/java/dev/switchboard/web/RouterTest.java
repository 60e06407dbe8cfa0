package dev.switchboard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Path templates and route choice, pure: no channel. */
class RouterTest {
    static final HttpHandler NOTHING = (c, r) -> { };

    @Test
    void templatesMatchLiteralsParametersAndATail() {
        PathTemplate photos = PathTemplate.parse("/api/rooms/{room}/photos");
        assertThat(photos.match("/api/rooms/team/photos").values()).isEqualTo(Map.of("room", "team"));
        assertThat(photos.match("/api/rooms//photos").get("room")).as("empty: the handler judges it").isEmpty();
        assertThat(photos.match("/api/rooms/team/photos/x")).isNull();
        assertThat(photos.match("/api/rooms/team")).isNull();
        assertThat(photos.match("/api/rooms/team/media")).isNull();

        PathTemplate rest = PathTemplate.parse("/socket.io/{rest...}");
        assertThat(rest.match("/socket.io/").get("rest")).isEmpty();
        assertThat(rest.match("/socket.io/a/b").get("rest")).isEqualTo("a/b");
        assertThat(rest.match("/socket.io")).as("the tail begins after a slash").isNull();
        assertThat(PathTemplate.parse("/{path...}").match("/").get("path")).isEmpty();
        assertThat(PathTemplate.parse("/healthz").match("/healthz")).isSameAs(PathParams.NONE);
    }

    @Test
    void malformedTemplatesAreRefused() {
        assertThatThrownBy(() -> PathTemplate.parse("api")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PathTemplate.parse("/{rest...}/x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PathTemplate.parse("/{room")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PathTemplate.parse("/{}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Router(List.of(Route.on("GET", "/x")))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theMostSpecificTemplateDecidesAndWrongMethodsAre405WithAllowInDeclarationOrder() {
        Route list = Route.on("GET HEAD", "/api/rooms/{room}/photos").collect(NOTHING);
        Route upload = Route.on("POST", "/api/rooms/{room}/photos").collect(NOTHING);
        Route media = Route.on("GET HEAD", "/api/media/{id}").collect(NOTHING);
        Route app = Route.on("GET HEAD", "/{path...}").collect(NOTHING);
        Router router = new Router(List.of(app, list, upload, media, Route.notFound("/api/{rest...}")));

        assertThat(found(router, HttpMethod.POST, "/api/rooms/r/photos")).isSameAs(upload);
        assertThat(found(router, HttpMethod.HEAD, "/api/rooms/r/photos")).isSameAs(list);
        assertThat(router.match(HttpMethod.PUT, "/api/rooms/r/photos"))
                .isEqualTo(new Router.Match.NotAllowed("GET, HEAD, POST"));
        assertThat(found(router, HttpMethod.GET, "/room/x")).as("the app takes what no API route does").isSameAs(app);
        assertThat(router.match(HttpMethod.POST, "/room/x")).isEqualTo(new Router.Match.NotAllowed("GET, HEAD"));
        assertThat(found(router, HttpMethod.POST, "/api/rooms/r/nothing").streaming())
                .as("an unknown API path is the router's 404, not the app's 405").isSameAs(Router.NOT_FOUND);
        assertThat(router.match(HttpMethod.DELETE, "/api/media/abc"))
                .isEqualTo(new Router.Match.NotAllowed("GET, HEAD"));
        assertThat(new Router(List.of(media)).match(HttpMethod.GET, "/elsewhere")).isEqualTo(new Router.Match.NotFound());
    }

    @Test
    void parametersComeWithTheRoute() {
        Router router = new Router(List.of(Route.on("GET", "/api/media/{id}/thumbnail").collect(NOTHING)));
        Router.Match m = router.match(HttpMethod.GET, "/api/media/0123/thumbnail");
        assertThat(((Router.Match.Found) m).params().get("id")).isEqualTo("0123");
        assertThatThrownBy(() -> ((Router.Match.Found) m).params().get("room"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anyMethodRoutesLeaveTheMethodToTheirHandler() {
        Route engine = Route.on("*", "/socket.io/{rest...}").collect(10, NOTHING);
        Route bundle = Route.on("GET HEAD", "/socket.io/socket.io.js").collect(NOTHING);
        Router router = new Router(List.of(engine, bundle));
        assertThat(found(router, HttpMethod.OPTIONS, "/socket.io/")).isSameAs(engine);
        assertThat(found(router, HttpMethod.GET, "/socket.io/socket.io.js")).isSameAs(bundle);
        assertThat(router.match(HttpMethod.POST, "/socket.io/socket.io.js"))
                .as("the exact file is more specific than the engine's tail").isEqualTo(new Router.Match.NotAllowed("GET, HEAD"));
    }

    private static Route found(Router router, HttpMethod method, String path) {
        Router.Match m = router.match(method, path);
        assertThat(m).isInstanceOf(Router.Match.Found.class);
        return ((Router.Match.Found) m).route();
    }
}
