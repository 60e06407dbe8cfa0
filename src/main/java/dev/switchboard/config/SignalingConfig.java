package dev.switchboard.config;

import java.time.Duration;
import java.util.List;

/**
 * Engine.IO / Socket.IO transport settings and the per-connection and per-room limits.
 * {@code allowEio3}: also serve Engine.IO v3 / Socket.IO protocol v4 (Socket.IO 2.x clients).
 * {@code newSessionsPerSecond} and {@code newSessionBurst}: Engine.IO sessions one client address (an
 * IPv4 address or an IPv6 /64) may open, a burst and then a rate a second; past it a handshake is 429.
 * {@code recoveryWindow}: how long a Socket.IO session whose transport dropped waits for its client to
 * come back (connection state recovery; zero: off). {@code recoveryMaxPackets}: the most packets kept for
 * one session (and the most it may miss while away; past that it cannot be recovered).
 */
public record SignalingConfig(
        Duration pingInterval,
        Duration pingTimeout,
        Duration connectTimeout,
        int maxPayload,
        List<String> allowedOrigins,
        int roomCapacity,
        int codelabRoomCapacity,
        int maxMessageBytes,
        int messagesPerSecond,
        int messageBurst,
        int roomsPerConnection,
        int outboundQueueBytes,
        boolean allowEio3,
        int newSessionsPerSecond,
        int newSessionBurst,
        Duration recoveryWindow,
        int recoveryMaxPackets) {

    /** The built-in defaults of signaling.new-sessions-per-second and signaling.new-session-burst. */
    public static final int DEFAULT_NEW_SESSIONS_PER_SECOND = 20;
    public static final int DEFAULT_NEW_SESSION_BURST = 100;
    /** The built-in defaults of signaling.recovery-window and signaling.recovery-max-packets. */
    public static final Duration DEFAULT_RECOVERY_WINDOW = Duration.ofMinutes(2);
    public static final int DEFAULT_RECOVERY_MAX_PACKETS = 1000;

    public SignalingConfig {
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    /** The settings with the default connection state recovery. */
    public SignalingConfig(Duration pingInterval, Duration pingTimeout, Duration connectTimeout, int maxPayload,
                           List<String> allowedOrigins, int roomCapacity, int codelabRoomCapacity, int maxMessageBytes,
                           int messagesPerSecond, int messageBurst, int roomsPerConnection, int outboundQueueBytes,
                           boolean allowEio3, int newSessionsPerSecond, int newSessionBurst) {
        this(pingInterval, pingTimeout, connectTimeout, maxPayload, allowedOrigins, roomCapacity, codelabRoomCapacity,
                maxMessageBytes, messagesPerSecond, messageBurst, roomsPerConnection, outboundQueueBytes, allowEio3,
                newSessionsPerSecond, newSessionBurst, DEFAULT_RECOVERY_WINDOW, DEFAULT_RECOVERY_MAX_PACKETS);
    }

    /** The settings with the default per-address limit on new sessions and the default recovery. */
    public SignalingConfig(Duration pingInterval, Duration pingTimeout, Duration connectTimeout, int maxPayload,
                           List<String> allowedOrigins, int roomCapacity, int codelabRoomCapacity, int maxMessageBytes,
                           int messagesPerSecond, int messageBurst, int roomsPerConnection, int outboundQueueBytes,
                           boolean allowEio3) {
        this(pingInterval, pingTimeout, connectTimeout, maxPayload, allowedOrigins, roomCapacity, codelabRoomCapacity,
                maxMessageBytes, messagesPerSecond, messageBurst, roomsPerConnection, outboundQueueBytes, allowEio3,
                DEFAULT_NEW_SESSIONS_PER_SECOND, DEFAULT_NEW_SESSION_BURST);
    }

    /** The settings with Engine.IO v3 (Socket.IO 2.x clients) allowed, as by default. */
    public SignalingConfig(Duration pingInterval, Duration pingTimeout, Duration connectTimeout, int maxPayload,
                           List<String> allowedOrigins, int roomCapacity, int codelabRoomCapacity, int maxMessageBytes,
                           int messagesPerSecond, int messageBurst, int roomsPerConnection, int outboundQueueBytes) {
        this(pingInterval, pingTimeout, connectTimeout, maxPayload, allowedOrigins, roomCapacity, codelabRoomCapacity,
                maxMessageBytes, messagesPerSecond, messageBurst, roomsPerConnection, outboundQueueBytes, true);
    }

    /** Reads and validates the {@code signaling} block, naming the key of each problem. */
    static SignalingConfig read(ConfigLoader.Reader r) {
        return new SignalingConfig(
                r.duration("signaling.ping-interval", Duration.ofMillis(10), Duration.ofMinutes(10)),
                r.duration("signaling.ping-timeout", Duration.ofMillis(10), Duration.ofMinutes(10)),
                r.duration("signaling.connect-timeout", Duration.ofMillis(10), Duration.ofMinutes(10)),
                r.intIn("signaling.max-payload", 1024, 100_000_000),
                r.strings("signaling.allowed-origins"),
                r.intIn("signaling.room-capacity", 2, 64),
                r.intIn("signaling.codelab-room-capacity", 2, 64),
                r.intIn("signaling.max-message-bytes", 256, 100_000_000),
                r.intIn("signaling.messages-per-second", 1, 1_000_000),
                r.intIn("signaling.message-burst", 1, 1_000_000),
                r.intIn("signaling.rooms-per-connection", 1, 1024),
                r.intIn("signaling.outbound-queue-bytes", 4096, 1 << 30),
                r.bool("signaling.allow-eio3"),
                r.intIn("signaling.new-sessions-per-second", 1, 1_000_000),
                r.intIn("signaling.new-session-burst", 1, 1_000_000),
                r.duration("signaling.recovery-window", Duration.ZERO, Duration.ofHours(1)),
                r.intIn("signaling.recovery-max-packets", 1, 1_000_000));
    }

    /** True when disconnected sessions wait {@link #recoveryWindow} for their client. */
    public boolean recoveryEnabled() {
        return !recoveryWindow.isZero();
    }

    /**
     * True when a request with this Origin header may connect. An empty list allows every origin. A
     * request without the header comes from a non-browser client (which could send any header it
     * likes), so the check, a browser protection, lets it through.
     */
    public boolean originAllowed(String origin) {
        if (origin == null || allowedOrigins.isEmpty() || allowedOrigins.contains("*")) {
            return true;
        }
        return allowedOrigins.contains(origin);
    }

    /** True when CORS answers to {@code origin} may allow credentials: only for an origin listed by name. */
    public boolean credentialsAllowed(String origin) {
        return origin != null && !origin.equals("*") && allowedOrigins.contains(origin);
    }
}
