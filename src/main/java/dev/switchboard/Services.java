package dev.switchboard;

import dev.switchboard.auth.Access;
import dev.switchboard.cluster.RoomCluster;
import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.ice.IceServers;
import dev.switchboard.media.MediaStore;
import dev.switchboard.media.ShareInbox;
import dev.switchboard.media.StorageExecutor;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.signaling.Signaling;
import dev.switchboard.signaling.engineio.EngineServer;
import java.util.function.BooleanSupplier;

/**
 * What the HTTP routes serve, built once by {@link Switchboard#start} after storage, TURN and signaling
 * are up: immutable, handed to {@link AppRoutes}. {@code up} and {@code ready} are the process's
 * liveness and readiness (for /healthz and /readyz).
 */
record Services(SwitchboardConfig config, Metrics metrics, Access access, EngineServer engine, Signaling signaling,
                RoomCluster cluster, IceServers iceServers, MediaStore media, StorageExecutor storageExecutor,
                UploadSessions uploads, ShareInbox shareInbox, BooleanSupplier up, BooleanSupplier ready) {
}
