package dev.switchboard.config;

import java.nio.file.Path;

/**
 * The whole configuration, loaded once at start and immutable afterwards.
 * Built by {@link ConfigLoader} from defaults, the config file, the environment and flags.
 */
public record SwitchboardConfig(String bind, Path dataDir, HttpConfig http, SignalingConfig signaling,
        TurnConfig turn) {

    /** The HTTP listener (web app, REST API, Socket.IO). */
    public record HttpConfig(int port, int maxBodyBytes) {}
}
