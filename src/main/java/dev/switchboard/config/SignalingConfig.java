package dev.switchboard.config;

import java.time.Duration;
import java.util.List;

/**
 * Engine.IO / Socket.IO transport settings and the per-connection and per-room limits.
 * {@code allowEio3}: also serve Engine.IO v3 / Socket.IO protocol v4 (Socket.IO 2.x clients).
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
        boolean allowEio3) {

    public SignalingConfig {
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    /** The settings with Engine.IO v3 (Socket.IO 2.x clients) allowed, as by default. */
    public SignalingConfig(Duration pingInterval, Duration pingTimeout, Duration connectTimeout, int maxPayload,
                           List<String> allowedOrigins, int roomCapacity, int codelabRoomCapacity, int maxMessageBytes,
                           int messagesPerSecond, int messageBurst, int roomsPerConnection, int outboundQueueBytes) {
        this(pingInterval, pingTimeout, connectTimeout, maxPayload, allowedOrigins, roomCapacity, codelabRoomCapacity,
                maxMessageBytes, messagesPerSecond, messageBurst, roomsPerConnection, outboundQueueBytes, true);
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
}
