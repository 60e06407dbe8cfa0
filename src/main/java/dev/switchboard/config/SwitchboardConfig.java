package dev.switchboard.config;

import java.nio.file.Path;

/**
 * The whole configuration, loaded once at start and immutable afterwards.
 * Built by {@link ConfigLoader} from defaults, the config file, the environment and flags.
 */
public record SwitchboardConfig(String bind, Path dataDir, HttpConfig http, SignalingConfig signaling,
        MediaConfig media, StorageConfig storage, TurnConfig turn, TlsConfig tls,
        AuthConfig auth, IceConfig ice,
        String logFormat, RetentionConfig retention, ClusterConfig cluster, MetricsConfig metrics) {

    /** {@code GET /metrics}: an empty token leaves it open; set, it needs {@code Authorization: Bearer TOKEN}. */
    public record MetricsConfig(String token) {}

    /**
     * The HTTP listener (web app, REST API, Socket.IO), and what one client may take of it: the time from
     * a request's first byte to the end of its head, the idle time between requests, the least body
     * bytes per interval, and the connections one IP address may hold open (per listener).
     */
    public record HttpConfig(int port, int maxBodyBytes, java.time.Duration requestHeadTimeout,
                             java.time.Duration idleTimeout, int bodyMinBytes, java.time.Duration bodyInterval,
                             int maxConnectionsPerIp) {}

    /**
     * The media API: the largest photo accepted; the largest recording, and how long a recording upload
     * may sit idle before it is dropped; the largest file relayed through the server for a peer that
     * cannot be reached directly; the longest a recording session may last (zero: no limit).
     */
    public record MediaConfig(int maxPhotoBytes, long maxRecordingBytes, java.time.Duration recordingIdleTimeout,
                              long maxFileBytes, java.time.Duration maxRecordingDuration) {}

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
    }

    /** HTTPS and the certificate shared with TURNS; null paths mean the development certificate. */
    public record TlsConfig(int httpsPort, boolean redirectHttp, Path cert, Path key, java.time.Duration reloadInterval) {
        public boolean devCertificate() {
            return cert == null;
        }
    }

    /** Access control: an empty secret leaves rooms open. */
    public record AuthConfig(String secret) {
        public boolean enabled() {
            return !secret.isEmpty();
        }
    }

    /** External ICE servers and the lifetime of minted TURN credentials. */
    public record IceConfig(java.util.List<String> servers, java.time.Duration credentialTtl) {
        public IceConfig {
            servers = java.util.List.copyOf(servers);
        }
    }

    /** Media retention: a maximum age and a per-room quota (zero: off), applied every {@code interval}. */
    public record RetentionConfig(java.time.Duration maxAge, long roomQuotaBytes, java.time.Duration interval,
                                  java.time.Duration fileMaxAge) {}

    /**
     * Several nodes sharing rooms: {@code redisUrl} empty keeps rooms in this process; otherwise a
     * {@code redis://} or {@code rediss://} URL (a password as {@code redis://:PASSWORD@HOST:PORT}), the
     * prefix of every key and channel, and how often a node proves it is alive and how long Redis
     * waits before its members are removed.
     */
    public record ClusterConfig(String redisUrl, String keyPrefix, java.time.Duration heartbeatInterval,
                                java.time.Duration nodeTtl) {}
}
