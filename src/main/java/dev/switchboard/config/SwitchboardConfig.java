package dev.switchboard.config;

import java.nio.file.Path;

/**
 * The whole configuration, loaded once at start and immutable afterwards.
 * Built by {@link ConfigLoader} from defaults, the config file, the environment and flags.
 */
public record SwitchboardConfig(String bind, Path dataDir, HttpConfig http, SignalingConfig signaling,
        MediaConfig media, StorageConfig storage) {

    /** The HTTP listener (web app, REST API, Socket.IO). */
    public record HttpConfig(int port, int maxBodyBytes) {}

    /** The photo API: the largest upload accepted. */
    public record MediaConfig(int maxPhotoBytes) {}

    /**
     * The media store's database ({@code databaseUrl} empty: embedded H2 under the data dir) and the
     * bounded executor that runs its disk and database work.
     */
    public record StorageConfig(String databaseUrl, int executorThreads, int executorQueue) {}
}
