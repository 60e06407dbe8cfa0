package dev.switchboard;

import dev.switchboard.auth.TokenEndpoint;
import dev.switchboard.ice.IceServersHandler;
import dev.switchboard.media.http.MediaApi;
import dev.switchboard.media.http.ShareTargetApi;
import dev.switchboard.web.HttpHandler;
import dev.switchboard.web.HttpResponses;
import dev.switchboard.web.Route;
import dev.switchboard.web.Router;
import dev.switchboard.web.StaticFiles;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP routes of the server, declared once from the {@link Services}: {@link #app()} serves every
 * listener (HTTP, HTTPS, a shared port); {@link #redirecting()} is plain HTTP when everything should move
 * to HTTPS. The router picks the most specific template, so the list order matters only between equal
 * templates.
 */
final class AppRoutes {
    /** Shares waiting for the share page: at most this many, this long, twice media.max-file-bytes in all. */
    static final Duration SHARE_INBOX_TTL = Duration.ofHours(1);

    private final Services s;
    private final Router app;
    private final Router redirecting;

    AppRoutes(Services services) {
        this.s = services;
        this.app = new Router(all());
        this.redirecting = new Router(redirects());
    }

    Router app() {
        return app;
    }

    Router redirecting() {
        return redirecting;
    }

    private List<Route> all() {
        List<Route> routes = new ArrayList<>(operations());
        StaticFiles bundle = new StaticFiles("webapp", p -> p);
        for (String f : List.of("socket.io.js", "socket.io.min.js", "socket.io.esm.min.js")) {
            routes.add(Route.on("GET HEAD", Switchboard.SOCKET_IO_PATH + f).collect(bundle));
        }
        // Engine.IO answers each method itself (GET, POST, the CORS preflight's OPTIONS, errors in its format).
        routes.add(Route.on("*", Switchboard.SOCKET_IO_PATH + "{rest...}")
                .collect(s.config().signaling().maxPayload(), s.engine()));
        var media = s.config().media();
        routes.addAll(new MediaApi(s.media(), s.storageExecutor(), media.maxPhotoBytes(), media.maxFileBytes(),
                s.signaling()::publish, s.access(), s.uploads().recordings(), s.uploads().files()).routes());
        routes.addAll(new ShareTargetApi(s.shareInbox(), s.storageExecutor(), media.maxFileBytes(), s.access()).routes());
        routes.add(Route.on("GET", "/api/ice-servers").collect(new IceServersHandler(s.iceServers(), s.access())));
        routes.add(Route.on("POST", "/api/tokens").collect(16 * 1024, new TokenEndpoint(s.access())));
        routes.add(Route.on("GET HEAD", "/{path...}").collect(s.config().http().maxBodyBytes(),
                new StaticFiles("webapp", AppRoutes::appPath)));
        return routes;
    }

    /** Health and metrics stay on plain HTTP; the rest redirects to HTTPS. */
    private List<Route> redirects() {
        List<Route> routes = new ArrayList<>(operations());
        int httpsPort = s.config().tls().httpsPort();
        routes.add(Route.on("*", "/{path...}").collect((ctx, req) -> {
            String host = req.headers().get(HttpHeaderNames.HOST, fallbackHost());
            String bare = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1) : host.replaceAll(":\\d+$", "");
            FullHttpResponse res = HttpResponses.response(HttpResponseStatus.PERMANENT_REDIRECT, Unpooled.EMPTY_BUFFER, null);
            res.headers().set(HttpHeaderNames.LOCATION, "https://" + bare + (httpsPort == 443 ? "" : ":" + httpsPort) + req.uri());
            HttpResponses.send(ctx, req, res);
        }));
        return routes;
    }

    private List<Route> operations() {
        return List.of(
                Route.on("GET HEAD", "/healthz").collect(health(false)),
                Route.on("GET HEAD", "/readyz").collect(health(true)),
                Route.on("GET", "/metrics").collect(s.metrics().endpoint(s.config().metrics().token())));
    }

    private HttpHandler health(boolean readiness) {
        return (ctx, req) -> {
            boolean ok = readiness ? s.ready().getAsBoolean() : s.up().getAsBoolean();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", ok ? (readiness ? "ready" : "up") : (readiness ? "not ready" : "down"));
            body.put("sessions", s.engine().sessionCount());
            body.put("rooms", s.signaling().roomCount());
            var cluster = s.cluster().health();
            // Several nodes: whether Redis answers (signaling across nodes needs it); the status stays
            // that of this process, so a Redis outage does not make every node restart or leave the pool.
            body.put("cluster", Map.of("mode", cluster.mode(), "redis", cluster.mode().equals("redis")
                    ? (cluster.reachable() ? "reachable" : "unreachable") : "not used"));
            if (readiness && s.media() != null) {
                body.put("storage", s.media().health().state());
            }
            HttpResponses.json(ctx, req, ok ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body);
        };
    }

    private String fallbackHost() {
        String bind = s.config().bind();
        return bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1" : bind;
    }

    /** Maps request paths to web app files: "/" and "/room/NAME" to their pages, the rest as is. */
    static String appPath(String path) {
        if (path.equals("/")) {
            return "/index.html";
        }
        if (path.startsWith("/room/")) {
            return "/room.html";
        }
        return path;
    }
}
