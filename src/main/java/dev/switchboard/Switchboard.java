package dev.switchboard;

import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.ice.TurnCredentials;
import dev.switchboard.media.MediaStore;
import dev.switchboard.media.StorageExecutor;
import dev.switchboard.media.http.MediaApi;
import dev.switchboard.net.EventLoops;
import dev.switchboard.signaling.Signaling;
import dev.switchboard.signaling.engineio.EngineServer;
import dev.switchboard.signaling.socketio.SioServer;
import dev.switchboard.web.HttpResponses;
import dev.switchboard.web.IceServersHandler;
import dev.switchboard.web.Route;
import dev.switchboard.web.StaticFiles;
import dev.switchboard.web.WebServer;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that knows every capability: builds them from the config, starts the listeners in
 * order (storage, TURN, signaling, web) and stops them in reverse.
 */
public final class Switchboard implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Switchboard.class);
    static final String SOCKET_IO_PATH = "/socket.io/";

    private final SwitchboardConfig config;
    private EventLoops loops;
    private EngineServer engine;
    private Signaling signaling;
    private WebServer web;
    private InetSocketAddress httpAddress;
    /** How long the REST credentials handed out by /api/ice-servers stay valid. */
    static final Duration ICE_CREDENTIAL_TTL = Duration.ofHours(1);
    private StorageExecutor storageExecutor;
    private MediaStore media;
    /** The TURN server's credentials for /api/ice-servers; null until a TURN server is wired in. */
    private TurnCredentials turnCredentials;

    public Switchboard(SwitchboardConfig config) {
        this.config = config;
    }

    public void start() throws IOException, InterruptedException {
        Files.createDirectories(config.dataDir());
        // Storage first: files swept and database migrated before anything can upload.
        storageExecutor = new StorageExecutor(config.storage().executorThreads(), config.storage().executorQueue());
        media = MediaStore.open(config.dataDir(), config.storage().databaseUrl(), config.storage().executorThreads() + 1);
        loops = new EventLoops(Math.max(2, Runtime.getRuntime().availableProcessors()));
        engine = new EngineServer(config.signaling(), SOCKET_IO_PATH);
        SioServer sio = new SioServer(config.signaling());
        engine.listener(sio);
        signaling = new Signaling(config.signaling());
        signaling.install(sio);
        if (config.http().port() >= 0 && httpEnabled()) {
            web = new WebServer(loops, routes());
            httpAddress = web.start(config.bind(), config.http().port());
            log.info("HTTP listening on {} ({})", httpAddress, loops.epoll() ? "epoll" : "nio");
        }
    }

    private boolean httpEnabled() {
        return config.http().port() != 0;
    }

    private List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        int small = config.http().maxBodyBytes();
        routes.add(Route.exact("/healthz", (ctx, req) -> {
            Map<String, Object> body = new LinkedHashMap<>();
            boolean up = web != null && web.isUp();
            body.put("status", up ? "up" : "down");
            body.put("sessions", engine.sessionCount());
            body.put("rooms", signaling.roomCount());
            HttpResponses.json(ctx, req, up ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body);
        }, 0));
        StaticFiles bundle = new StaticFiles("webapp", p -> p);
        for (String f : List.of("socket.io.js", "socket.io.min.js", "socket.io.esm.min.js")) {
            routes.add(Route.exact(SOCKET_IO_PATH + f, bundle, 0));
        }
        routes.add(Route.prefix(SOCKET_IO_PATH, engine, config.signaling().maxPayload()));
        routes.addAll(new MediaApi(media, storageExecutor, config.media().maxPhotoBytes(), signaling::publish).routes());
        routes.add(Route.exact("/api/ice-servers", new IceServersHandler(turnCredentials, ICE_CREDENTIAL_TTL,
                config.bind().equals("0.0.0.0") || config.bind().equals("::") ? "127.0.0.1" : config.bind()), 0));
        routes.add(Route.prefix("/", new StaticFiles("webapp", Switchboard::appPath), small));
        return routes;
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

    public InetSocketAddress httpAddress() {
        return httpAddress;
    }

    public String banner() {
        StringBuilder sb = new StringBuilder("Switchboard is running.\n");
        if (httpAddress != null) {
            String host = config.bind().equals("0.0.0.0") || config.bind().equals("::") ? "127.0.0.1" : config.bind();
            sb.append("  Web app:   http://").append(host.contains(":") ? "[" + host + "]" : host)
                    .append(':').append(httpAddress.getPort()).append("/\n");
            sb.append("  Socket.IO: ").append(SOCKET_IO_PATH).append(" (Engine.IO v4, Socket.IO v5)\n");
        }
        sb.append("  Data dir:  ").append(config.dataDir().toAbsolutePath().normalize());
        return sb.toString();
    }

    @Override
    public void close() {
        if (engine != null) {
            engine.closeAll("server shutting down");
        }
        if (web != null) {
            web.close();
        }
        if (loops != null) {
            loops.close();
        }
        // Storage last: queued uploads finish (bounded wait), then the database closes.
        if (storageExecutor != null) {
            storageExecutor.close();
        }
        if (media != null) {
            media.close();
        }
    }

    /** The media store (for tests and tools). */
    public MediaStore media() {
        return media;
    }

    /** The executor running the media store's disk and database work (tests use it to saturate it). */
    public StorageExecutor storageExecutor() {
        return storageExecutor;
    }
}
