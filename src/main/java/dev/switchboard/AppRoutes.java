package dev.switchboard;

import dev.switchboard.auth.TokenEndpoint;
import dev.switchboard.ice.IceServersHandler;
import dev.switchboard.media.RecordingSessions;
import dev.switchboard.media.ShareInbox;
import dev.switchboard.media.http.MediaApi;
import dev.switchboard.media.http.ShareTargetApi;
import dev.switchboard.web.HttpHandler;
import dev.switchboard.web.HttpResponses;
import dev.switchboard.web.Route;
import dev.switchboard.web.StaticFiles;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The HTTP routes of the server, in match order (the static web app last). */
final class AppRoutes {
    /** Shares waiting for the share page: at most this many, this long, twice media.max-file-bytes in all. */
    static final int SHARE_INBOX_SHARES = 32;
    static final Duration SHARE_INBOX_TTL = Duration.ofHours(1);

    private final Switchboard sb;
    private List<Route> mediaRoutes;

    AppRoutes(Switchboard sb) {
        this.sb = sb;
    }

    List<Route> all() {
        List<Route> routes = new ArrayList<>(operations());
        StaticFiles bundle = new StaticFiles("webapp", p -> p);
        for (String f : List.of("socket.io.js", "socket.io.min.js", "socket.io.esm.min.js")) {
            routes.add(Route.exact(Switchboard.SOCKET_IO_PATH + f, bundle, 0));
        }
        routes.add(Route.prefix(Switchboard.SOCKET_IO_PATH, sb.engine(), sb.config().signaling().maxPayload()));
        routes.addAll(mediaRoutes());
        routes.add(Route.exact("/api/ice-servers", new IceServersHandler(sb.iceServers(), sb.access()), 0));
        routes.add(Route.exact("/api/tokens", new TokenEndpoint(sb.access()), 16 * 1024));
        routes.add(Route.prefix("/", new StaticFiles("webapp", AppRoutes::appPath), sb.config().http().maxBodyBytes()));
        return routes;
    }

    /**
     * The media API's routes, built once: HTTP and HTTPS share one set of upload sessions (they are
     * restored from disk at start, which must happen once).
     */
    private List<Route> mediaRoutes() {
        if (mediaRoutes == null) {
            mediaRoutes = new MediaApi(sb.media(), sb.storageExecutor(), sb.config().media().maxPhotoBytes(),
                    sb.signaling()::publish, sb.access(), new RecordingSessions(sb.media(),
                            sb.config().media().maxRecordingBytes(), sb.config().media().recordingIdleTimeout(),
                            sb.config().media().maxRecordingDuration(),
                            MediaApi.MAX_RECORDING_UPLOADS, System::nanoTime), sb.config().media().maxFileBytes()).routes();
            mediaRoutes = new ArrayList<>(mediaRoutes);
            mediaRoutes.addAll(shareTarget());
        }
        return mediaRoutes;
    }

    /** {@code POST /share-target} for shares no service worker took, and the inbox they wait in. */
    private List<Route> shareTarget() {
        long max = sb.config().media().maxFileBytes();
        try {
            ShareInbox inbox = new ShareInbox(sb.media(), 2 * max, SHARE_INBOX_SHARES,
                    SHARE_INBOX_TTL, Clock.systemUTC());
            return new ShareTargetApi(inbox, sb.storageExecutor(), max, sb.access()).routes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the share inbox", e);
        }
    }

    /** Plain HTTP when everything should move to HTTPS: health and metrics stay, the rest redirects. */
    List<Route> redirecting() {
        List<Route> routes = new ArrayList<>(operations());
        int httpsPort = sb.config().tls().httpsPort();
        routes.add(Route.prefix("/", (ctx, req) -> {
            String host = req.headers().get(HttpHeaderNames.HOST, fallbackHost());
            String bare = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1) : host.replaceAll(":\\d+$", "");
            FullHttpResponse res = HttpResponses.response(HttpResponseStatus.PERMANENT_REDIRECT, Unpooled.EMPTY_BUFFER, null);
            res.headers().set(HttpHeaderNames.LOCATION, "https://" + bare + (httpsPort == 443 ? "" : ":" + httpsPort) + req.uri());
            HttpResponses.send(ctx, req, res);
        }, 0));
        return routes;
    }

    private List<Route> operations() {
        return List.of(
                Route.exact("/healthz", health(false), 0),
                Route.exact("/readyz", health(true), 0),
                Route.exact("/metrics", sb.metrics().endpoint(sb.config().metrics().token()), 0));
    }

    private HttpHandler health(boolean readiness) {
        return (ctx, req) -> {
            boolean ok = readiness ? sb.ready() : sb.up();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", ok ? (readiness ? "ready" : "up") : (readiness ? "not ready" : "down"));
            body.put("sessions", sb.engine().sessionCount());
            body.put("rooms", sb.signaling().roomCount());
            var cluster = sb.cluster().health();
            // Several nodes: whether Redis answers (signaling across nodes needs it); the status stays
            // that of this process, so a Redis outage does not make every node restart or leave the pool.
            body.put("cluster", Map.of("mode", cluster.mode(), "redis", cluster.mode().equals("redis")
                    ? (cluster.reachable() ? "reachable" : "unreachable") : "not used"));
            if (readiness && sb.media() != null) {
                body.put("storage", sb.media().health().state());
            }
            HttpResponses.json(ctx, req, ok ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body);
        };
    }

    private String fallbackHost() {
        String bind = sb.config().bind();
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
