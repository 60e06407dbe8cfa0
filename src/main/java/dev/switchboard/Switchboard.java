package dev.switchboard;

import dev.switchboard.auth.Access;
import dev.switchboard.auth.RoomTokens;
import dev.switchboard.cluster.RedisRooms;
import dev.switchboard.cluster.RoomCluster;
import dev.switchboard.cluster.RoomClusters;
import dev.switchboard.config.SignalingConfig;
import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.ice.IceServers;
import dev.switchboard.ice.TurnCredentials;
import dev.switchboard.media.MediaRetention;
import dev.switchboard.media.MediaStore;
import dev.switchboard.media.ShareInbox;
import dev.switchboard.media.StorageHealth;
import dev.switchboard.media.StorageExecutor;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.net.EventLoops;
import dev.switchboard.net.demux.PortPlan;
import dev.switchboard.net.tls.DevCertificate;
import dev.switchboard.net.tls.ServerTls;
import dev.switchboard.net.tls.TlsFiles;
import dev.switchboard.signaling.Departures;
import dev.switchboard.signaling.Signaling;
import dev.switchboard.signaling.engineio.EngineServer;
import dev.switchboard.signaling.socketio.Emitter;
import dev.switchboard.signaling.socketio.SioServer;
import dev.switchboard.turn.RestCredentials;
import dev.switchboard.turn.Ticker;
import dev.switchboard.turn.TurnSecret;
import dev.switchboard.turn.transport.TurnListener;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that knows every capability: builds them from the config, starts the listeners in
 * order (storage, TLS, TURN, signaling, web) and stops them in reverse: not ready, listeners closed,
 * peers told, uploads given time to finish, then storage closed.
 */
public final class Switchboard implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Switchboard.class);
    static final String SOCKET_IO_PATH = "/socket.io/";
    /** How long a stop waits for uploads in progress. */
    static final Duration UPLOAD_GRACE = Duration.ofSeconds(15);

    private final SwitchboardConfig config;
    private final Metrics metrics = new Metrics();
    private EventLoops loops;
    private EngineServer engine;
    private Signaling signaling;
    private RoomCluster cluster;
    private Access access = Access.open();
    private final WebListeners listeners;
    private ServerTls tls;
    /**
     * Reads the certificate files when they change: file I/O, so on its own thread rather than a worker
     * event loop that TURN sockets share.
     */
    private ScheduledExecutorService tlsReload;
    private ScheduledFuture<?> retentionTask;
    private ScheduledFuture<?> storageProbe;
    private StorageExecutor storageExecutor;
    private MediaStore media;
    private TurnListener turn;
    private PortPlan ports;
    /** The TURN server's credentials for /api/ice-servers; null when TURN is disabled. */
    private TurnCredentials turnCredentials;
    private IceServers iceServers;
    private volatile boolean ready;
    private volatile boolean stopping;
    private volatile boolean halted;

    public Switchboard(SwitchboardConfig config) {
        this.config = config;
        this.listeners = new WebListeners(config);
    }

    public void start() throws IOException, InterruptedException {
        Files.createDirectories(config.dataDir());
        // Storage first: files swept and database migrated before anything can upload.
        storageExecutor = new StorageExecutor(config.storage().executorThreads(), config.storage().executorQueue());
        media = MediaStore.open(config.dataDir(), config.storage().mediaDir(config.dataDir()),
                config.storage().databaseUrl(), config.storage().executorThreads() + 1,
                config.storage().minFreeBytes());
        // Orphan files and rows without a file (a crash between the two halves of a commit or a delete)
        // are removed before anything is served; both counts go to the log and to /metrics.
        media.reconcile();
        // One loop per CPU this process may run on (availableProcessors follows taskset and cgroup limits).
        loops = EventLoops.forServer(Runtime.getRuntime().availableProcessors());
        if (config.auth().enabled()) {
            access = Access.tokens(new RoomTokens(config.auth().secret(), Clock.systemUTC()), metrics.registry());
        }
        boolean turnOn = config.turn().enabled();
        ports = new PortPlan(config.http().port(), config.tls().httpsPort(), turnOn ? config.turn().port() : 0,
                turnOn ? config.turn().tlsPort() : 0);
        startTls();
        startTurn();
        engine = new EngineServer(config.signaling(), SOCKET_IO_PATH);
        // Rooms in this process, or shared with the other nodes through Redis (cluster.redis-url), which
        // then also carries connection state recovery, so that a node can take over a dead node's sessions.
        SignalingConfig sc = config.signaling();
        cluster = RoomClusters.create(config.cluster(),
                Departures.farewells(sc.recoveryEnabled() ? Emitter.withOffsets() : Emitter.plain()),
                sc.recoveryEnabled() && config.cluster().recoveryAcrossNodes() ? sc.recoveryWindow() : Duration.ZERO,
                sc.recoveryMaxPackets(), loops);
        SioServer sio = cluster.recovery() != null ? new SioServer(sc, cluster.recovery()) : new SioServer(sc);
        engine.listener(sio);
        String bind = config.bind();
        iceServers = new IceServers(turnCredentials, config.ice().servers(), config.ice().credentialTtl(),
                bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1" : bind, config.turn().externalAddress());
        signaling = new Signaling(config.signaling(), cluster, access, iceServers::configuration);
        signaling.install(sio);
        // Uploads in progress before a restart, and shares waiting for the share page, come back from disk
        // before any listener opens (blocking file reads, here at start-up).
        UploadSessions uploads = UploadSessions.open(config.media(), media);
        uploads.restore();
        ShareInbox shareInbox = new ShareInbox(media, 2 * config.media().maxFileBytes(), config.media().shareInboxShares(),
                AppRoutes.SHARE_INBOX_TTL, Clock.systemUTC());
        // One route list for every listener: HTTP, HTTPS and a port shared with TURN.
        AppRoutes routes = new AppRoutes(new Services(config, metrics, access, engine, signaling, cluster, iceServers,
                media, storageExecutor, uploads, shareInbox, this::up, this::ready));
        // The web listeners last: HTTP, HTTPS, then the ports shared by several protocols.
        listeners.start(loops, ports, routes, tls, turn);
        startRetention();
        startStorageProbe();
        Gauges.register(metrics.registry(), engine, signaling, sio.store(), turn == null ? null : turn.server(), media);
        ready = true;
    }

    /** The retention sweep: on the storage executor, every retention.interval. */
    private void startRetention() {
        MediaRetention retention = new MediaRetention(media, config.retention().maxAge(),
                config.retention().roomQuotaBytes(), Clock.systemUTC(), (room, body) -> signaling.publish(room, "media-removed", body),
                config.retention().fileMaxAge());
        if (!retention.enabled()) {
            return;
        }
        long every = config.retention().interval().toMillis();
        retentionTask = loops.workers().next().scheduleWithFixedDelay(() -> {
            try {
                storageExecutor.execute(retention);
            } catch (RejectedExecutionException busy) {
                // the executor is saturated: try at the next interval
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * While storage writes fail (disk full, I/O errors, database down), a small probe write every second
     * on the storage executor: the first that succeeds makes the server ready again, with no restart,
     * even when no client uploads (an orchestrator sends none to a server that is not ready).
     */
    private void startStorageProbe() {
        storageProbe = loops.workers().next().scheduleWithFixedDelay(() -> {
            if (!media.health().writable()) {
                try {
                    storageExecutor.execute(media::probe);
                } catch (RejectedExecutionException busy) {
                    // saturated: the next second
                }
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    /** The certificate for HTTPS and TURNS: configured PEM files, or the development one. */
    private void startTls() throws IOException {
        if (config.tls().httpsPort() == 0 && config.turn().tlsPort() == 0) {
            return;
        }
        TlsFiles files = config.tls().devCertificate()
                ? DevCertificate.ensure(config.dataDir().resolve("tls"))
                : new TlsFiles(config.tls().cert(), config.tls().key());
        tls = new ServerTls(files);
        long every = config.tls().reloadInterval().toMillis();
        tlsReload = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tls-reload");
            t.setDaemon(true);
            return t;
        });
        tlsReload.scheduleWithFixedDelay(tls::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
    }

    /** STUN/TURN comes up before signaling and web, so the credentials exist when pages ask for them. */
    private void startTurn() throws IOException, InterruptedException {
        if (!config.turn().enabled()) {
            return;
        }
        byte[] secret = TurnSecret.resolve(config.turn().secret(), config.dataDir());
        turn = new TurnListener(loops, config.turn(), secret);
        int port = turn.start(config.bind(), !ports.shared(ports.turn()));
        int tlsPort = 0;
        if (config.turn().tlsPort() != 0 && ports.shared(ports.turns())) {
            tlsPort = config.turn().tlsPort();
            turn.sharesTlsPort(tlsPort);
        } else if (config.turn().tlsPort() != 0) {
            tlsPort = turn.startTls(config.bind(), config.turn().tlsPort(), tls::context);
        }
        turnCredentials = new RestCredentials(secret, port, tlsPort, Ticker.SYSTEM);
        log.info("STUN/TURN listening on {}:{} (UDP, TCP){}", config.bind(), port, tlsPort == 0 ? "" : ", TURNS on " + tlsPort);
    }

    /** The Engine.IO server (sessions open now), for tests in this package. */
    EngineServer engine() {
        return engine;
    }

    /** Up: every enabled listener is bound. */
    boolean up() {
        return listeners.up();
    }

    /** Ready: up, not stopping, and storage writes succeed (see {@link StorageHealth}). */
    boolean ready() {
        return ready && !stopping && up() && (media == null || media.health().writable());
    }

    /** Mints TURN credentials and lists the STUN/TURN URLs; null when TURN is disabled. */
    public TurnCredentials turnCredentials() {
        return turnCredentials;
    }

    /** The bound STUN/TURN port (UDP and TCP), or 0 when disabled. */
    public int turnPort() {
        return turn == null ? 0 : turn.port();
    }

    /** The bound TURNS port, or 0 when disabled. */
    public int turnsPort() {
        return turn == null ? 0 : turn.tlsPort();
    }

    public InetSocketAddress httpAddress() {
        return listeners.httpAddress();
    }

    public InetSocketAddress httpsAddress() {
        return listeners.httpsAddress();
    }

    /** The TLS certificate in use (HTTPS, TURNS), or null when neither is enabled. */
    public ServerTls tls() {
        return tls;
    }

    public String banner() {
        StringBuilder sb = new StringBuilder("Switchboard is running.\n");
        String host = config.bind().equals("0.0.0.0") || config.bind().equals("::") ? "127.0.0.1" : config.bind();
        String h = host.contains(":") ? "[" + host + "]" : host;
        InetSocketAddress httpAddress = listeners.httpAddress();
        InetSocketAddress httpsAddress = listeners.httpsAddress();
        if (httpAddress != null) {
            sb.append("  Web app:   http://").append(h).append(':').append(httpAddress.getPort()).append("/\n");
        }
        if (httpsAddress != null) {
            sb.append("  HTTPS:     https://").append(h).append(':').append(httpsAddress.getPort()).append("/\n");
        }
        if (httpAddress != null || httpsAddress != null) {
            sb.append("  Socket.IO: ").append(SOCKET_IO_PATH).append(" (Engine.IO v4, Socket.IO v5)\n");
        }
        for (int port : listeners.sharedPorts()) {
            sb.append("  One port:  ").append(port)
                    .append(" (TCP: told apart by the first bytes; TURN/UDP on the same number when TURN is on it)\n");
        }
        if (tls != null) {
            sb.append("  TLS cert:  SHA-256 ").append(tls.fingerprint())
                    .append(config.tls().devCertificate() ? " (development certificate: compare it in your browser)\n" : "\n");
        }
        if (turn != null) {
            sb.append("  STUN/TURN: ").append(config.bind()).append(':').append(turn.port()).append(" (UDP, TCP)");
            if (turn.tlsPort() != 0) {
                sb.append(", TURNS ").append(turn.tlsPort());
            }
            sb.append('\n');
        }
        sb.append("  Rooms:     ").append(access.enabled() ? "need a room token (auth.secret is set)" : "open").append('\n');
        sb.append("  Data dir:  ").append(config.dataDir().toAbsolutePath().normalize());
        return sb.toString();
    }

    /**
     * Stops in reverse: readiness goes false, listeners stop accepting, peers are told, uploads in
     * progress get {@link #UPLOAD_GRACE} to finish, then connections, loops and storage close.
     */
    @Override
    public void close() {
        stopping = true;
        listeners.stopAccepting();
        if (turn != null) {
            turn.close();
        }
        if (engine != null && !halted) {
            engine.closeAll("server shutting down");
        }
        long deadline = System.nanoTime() + UPLOAD_GRACE.toNanos();
        while (listeners.inFlight() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (tlsReload != null) {
            tlsReload.shutdownNow();
        }
        if (storageProbe != null) {
            storageProbe.cancel(false);
        }
        if (retentionTask != null) {
            retentionTask.cancel(false);
        }
        // Queued disk and database work finishes (bounded wait) while the loops can still answer.
        if (storageExecutor != null) {
            storageExecutor.close();
        }
        listeners.close();
        if (cluster != null) {
            // Members still registered in Redis are removed, other nodes told; before the loops, on
            // which the Redis connections may run.
            cluster.close();
        }
        if (loops != null) {
            loops.close();
        }
        if (media != null) {
            media.close();
        }
        metrics.close();
    }

    /**
     * For tests of a node lost without warning: its Redis connections close with nothing removed (its
     * heartbeat stops, so the other nodes take it for dead once its key expires) and its event loops
     * stop, dropping every connection. {@link #close} afterwards releases the rest.
     */
    public void halt() {
        stopping = true;
        halted = true;
        if (cluster instanceof RedisRooms redis) {
            redis.halt();
        }
        if (loops != null) {
            loops.close();
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
