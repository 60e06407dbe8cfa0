package dev.switchboard.config;

import dev.switchboard.ice.IceServers;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The whole configuration, loaded once at start and immutable afterwards.
 * Built by {@link ConfigLoader} from defaults, the config file, the environment and flags.
 */
public record SwitchboardConfig(String bind, Path dataDir, HttpConfig http, SignalingConfig signaling,
        MediaConfig media, StorageConfig storage, TurnConfig turn, TlsConfig tls,
        AuthConfig auth, IceConfig ice,
        String logFormat, RetentionConfig retention, ClusterConfig cluster, MetricsConfig metrics) {

    /** {@code GET /metrics}: an empty token leaves it open; set, it needs {@code Authorization: Bearer TOKEN}. */
    public record MetricsConfig(String token) {
        static MetricsConfig read(ConfigLoader.Reader r) {
            return new MetricsConfig(r.string("metrics.token",
                    v -> !v.isEmpty() && v.length() < 16 ? "must be empty or at least 16 characters" : null));
        }
    }

    /**
     * The HTTP listener (web app, REST API, Socket.IO), and what one client may take of it: the time from
     * a request's first byte to the end of its head, the idle time between requests, the least body
     * bytes per interval, and the connections one IP address may hold open (per listener).
     */
    public record HttpConfig(int port, int maxBodyBytes, Duration requestHeadTimeout,
                             Duration idleTimeout, int bodyMinBytes, Duration bodyInterval,
                             int maxConnectionsPerIp) {
        static HttpConfig read(ConfigLoader.Reader r) {
            return new HttpConfig(r.port("http.port"), r.intIn("http.max-body-bytes", 1024, 1 << 30),
                    r.duration("http.request-head-timeout", Duration.ofMillis(100), Duration.ofHours(1)),
                    r.duration("http.idle-timeout", Duration.ofMillis(100), Duration.ofHours(1)),
                    r.intIn("http.body-min-bytes", 0, 1 << 30),
                    r.duration("http.body-interval", Duration.ofMillis(100), Duration.ofHours(1)),
                    r.intIn("http.max-connections-per-ip", 1, 1_000_000));
        }
    }

    /**
     * The media API: the largest photo accepted; the largest recording, and how long a recording upload
     * may sit idle before it is dropped; the largest file relayed through the server for a peer that
     * cannot be reached directly; the longest a recording session may last (zero: no limit); resumable
     * uploads (recordings, and files for peers without a direct path, each kind apart) open at once in all, in
     * one room and from one client address; shares waiting in the share-target inbox.
     */
    public record MediaConfig(int maxPhotoBytes, long maxRecordingBytes, Duration recordingIdleTimeout,
                              long maxFileBytes, Duration maxRecordingDuration, int maxUploads,
                              int maxUploadsPerRoom, int maxUploadsPerClient, int shareInboxShares) {
        static MediaConfig read(ConfigLoader.Reader r) {
            return new MediaConfig(r.intIn("media.max-photo-bytes", 1024, 1 << 30),
                    r.longIn("media.max-recording-bytes", 1024, 1L << 40),
                    r.duration("media.recording-idle-timeout", Duration.ofMillis(100), Duration.ofDays(7)),
                    r.longIn("media.max-file-bytes", 1024, 1L << 40),
                    r.duration("media.max-recording-duration", Duration.ZERO, Duration.ofDays(7)),
                    r.intIn("media.max-uploads", 1, 1_000_000),
                    r.intIn("media.max-uploads-per-room", 1, 1_000_000),
                    r.intIn("media.max-uploads-per-client", 1, 1_000_000),
                    r.intIn("media.share-inbox-shares", 1, 1_000_000));
        }
    }

    /**
     * The media store's database ({@code databaseUrl} empty: embedded SQLite under the data dir; or a
     * {@code jdbc:postgresql:} URL), the bounded executor that runs its disk and database work, and the
     * free-space reserve below which new uploads are refused ({@link #AUTO_MIN_FREE}: the default), and
     * the media folder ({@code mediaDir} null: {@code <data-dir>/media}; several nodes on one PostgreSQL
     * database share one, e.g. an NFS mount).
     */
    public record StorageConfig(String databaseUrl, int executorThreads, int executorQueue, long minFreeBytes,
                                Path mediaDir) {
        /** {@code minFreeBytes} when none is configured: the larger of 256 MiB and 1 % of the volume. */
        public static final long AUTO_MIN_FREE = -1;

        /** Without a configured reserve (the default one applies) and with the media folder in the data dir. */
        public StorageConfig(String databaseUrl, int executorThreads, int executorQueue) {
            this(databaseUrl, executorThreads, executorQueue, AUTO_MIN_FREE, null);
        }

        /** The media folder: {@code mediaDir}, or {@code media} in {@code dataDir}. */
        public Path mediaDir(Path dataDir) {
            return mediaDir != null ? mediaDir : dataDir.resolve("media");
        }

        static StorageConfig read(ConfigLoader.Reader r) {
            String mediaDir = r.string("storage.media-dir", v -> v.indexOf('\0') >= 0 ? "not a path" : null);
            return new StorageConfig(
                    r.string("storage.database-url", ConfigLoader::checkDatabaseUrl),
                    r.intIn("storage.executor-threads", 1, 256),
                    r.intIn("storage.executor-queue", 1, 1_000_000),
                    r.longIn("storage.min-free-bytes", -1, Long.MAX_VALUE),
                    mediaDir == null || mediaDir.isBlank() || mediaDir.indexOf('\0') >= 0 ? null : Path.of(mediaDir));
        }
    }

    /** HTTPS and the certificate shared with TURNS; null paths mean the development certificate. */
    public record TlsConfig(int httpsPort, boolean redirectHttp, Path cert, Path key, Duration reloadInterval) {
        public boolean devCertificate() {
            return cert == null;
        }

        static TlsConfig read(ConfigLoader.Reader r) {
            String cert = r.string("tls.cert", v -> v.isEmpty() || readable(v) ? null : "cannot read the certificate file");
            String key = r.string("tls.key", v -> v.isEmpty() || readable(v) ? null : "cannot read the key file");
            if (cert != null && key != null && cert.isEmpty() != key.isEmpty()) {
                r.problem(cert.isEmpty() ? "tls.cert" : "tls.key", "tls.cert and tls.key must be given together");
            }
            boolean own = cert != null && !cert.isEmpty() && key != null && !key.isEmpty();
            return new TlsConfig(r.port("https.port"), r.bool("https.redirect-http"),
                    own ? Path.of(cert) : null, own ? Path.of(key) : null,
                    r.duration("tls.reload-interval", Duration.ofMillis(100), Duration.ofDays(1)));
        }
    }

    /** Access control: an empty secret leaves rooms open. */
    public record AuthConfig(String secret) {
        public boolean enabled() {
            return !secret.isEmpty();
        }

        static AuthConfig read(ConfigLoader.Reader r) {
            return new AuthConfig(r.string("auth.secret",
                    v -> !v.isEmpty() && v.length() < 16 ? "must be empty or at least 16 characters" : null));
        }
    }

    /** External ICE servers and the lifetime of minted TURN credentials. */
    public record IceConfig(List<String> servers, Duration credentialTtl) {
        public IceConfig {
            servers = List.copyOf(servers);
        }

        static IceConfig read(ConfigLoader.Reader r) {
            List<String> servers = r.strings("ice.servers");
            for (String url : servers) {
                if (!IceServers.validUrl(url)) {
                    r.problem("ice.servers", "not a stun:, stuns:, turn: or turns: URL: \"" + url + "\"");
                }
            }
            return new IceConfig(servers, r.duration("ice.credential-ttl", Duration.ofMinutes(1), Duration.ofDays(7)));
        }
    }

    /** Media retention: a maximum age and a per-room quota (zero: off), applied every {@code interval}. */
    public record RetentionConfig(Duration maxAge, long roomQuotaBytes, Duration interval,
                                  Duration fileMaxAge) {
        static RetentionConfig read(ConfigLoader.Reader r) {
            return new RetentionConfig(
                    r.duration("retention.max-age", Duration.ZERO, Duration.ofDays(36500)),
                    r.longIn("retention.room-quota-bytes", 0, Long.MAX_VALUE),
                    r.duration("retention.interval", Duration.ofMillis(100), Duration.ofDays(7)),
                    r.duration("retention.file-max-age", Duration.ZERO, Duration.ofDays(36500)));
        }
    }

    /**
     * Several nodes sharing rooms: {@code redisUrl} empty keeps rooms in this process; otherwise a
     * {@code redis://} or {@code rediss://} URL (a password as {@code redis://:PASSWORD@HOST:PORT}), the
     * prefix of every key and channel, and how often a node proves it is alive and how long Redis
     * waits before its members are removed; {@code recoveryAcrossNodes}: with connection state recovery
     * on, whether a node takes over the sessions of a node that died (every message is then also
     * written to its recipient's box in Redis).
     */
    public record ClusterConfig(String redisUrl, String keyPrefix, Duration heartbeatInterval,
                                Duration nodeTtl, boolean recoveryAcrossNodes) {
        static ClusterConfig read(ConfigLoader.Reader r) {
            String url = r.string("cluster.redis-url", ClusterConfig::checkRedisUrl);
            String prefix = r.string("cluster.key-prefix",
                    v -> v.matches("[A-Za-z0-9_:.-]{0,64}") ? null : "must be up to 64 characters of A-Z a-z 0-9 _ : . -");
            Duration heartbeat = r.duration("cluster.heartbeat-interval", Duration.ofMillis(100), Duration.ofMinutes(1));
            Duration ttl = r.duration("cluster.node-ttl", Duration.ofMillis(300), Duration.ofMinutes(10));
            if (heartbeat != null && ttl != null && ttl.compareTo(heartbeat.multipliedBy(2)) < 0) {
                r.problem("cluster.node-ttl", "must be at least twice cluster.heartbeat-interval");
            }
            return new ClusterConfig(url, prefix, heartbeat, ttl, r.bool("cluster.recovery-across-nodes"));
        }

        static String checkRedisUrl(String value) {
            if (value.isEmpty()) {
                return null;
            }
            try {
                URI uri = new URI(value);
                if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
                    return "must be empty or a redis:// or rediss:// URL";
                }
                if (uri.getHost() == null) {
                    return "names no host";
                }
                return null;
            } catch (URISyntaxException e) {
                return "not a URL: " + e.getReason();
            }
        }
    }

    /** False for a file that cannot be read and for text that is no path at all (a NUL, found by fuzzing). */
    private static boolean readable(String path) {
        try {
            return Files.isReadable(Path.of(path));
        } catch (java.nio.file.InvalidPathException notAPath) {
            return false;
        }
    }
}
