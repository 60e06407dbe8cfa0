package dev.switchboard.cluster;

import dev.switchboard.config.SwitchboardConfig.ClusterConfig;
import java.io.IOException;
import java.time.Duration;

/** Chooses the implementation: Redis when {@code cluster.redis-url} is set, else this node's memory. */
public final class RoomClusters {
    private RoomClusters() {}

    public static RoomCluster create(ClusterConfig config, Farewells farewells) throws IOException {
        return create(config, farewells, Duration.ZERO, 0);
    }

    /**
     * With a non-zero {@code recoveryWindow}, Redis also carries connection state recovery
     * ({@link RoomCluster#recovery()}), so that another node can take over the sessions of one that died.
     */
    public static RoomCluster create(ClusterConfig config, Farewells farewells, Duration recoveryWindow, int recoveryMaxPackets)
            throws IOException {
        if (config.redisUrl().isEmpty()) {
            return new LocalRooms();
        }
        return RedisRooms.connect(config.redisUrl(), config.keyPrefix(), config.heartbeatInterval(), config.nodeTtl(), farewells,
                recoveryWindow, recoveryMaxPackets);
    }
}
