package dev.switchboard.cluster;

import dev.switchboard.config.SwitchboardConfig.ClusterConfig;
import java.io.IOException;

/** Chooses the implementation: Redis when {@code cluster.redis-url} is set, else this node's memory. */
public final class RoomClusters {
    private RoomClusters() {}

    public static RoomCluster create(ClusterConfig config, Farewells farewells) throws IOException {
        if (config.redisUrl().isEmpty()) {
            return new LocalRooms();
        }
        return RedisRooms.connect(config.redisUrl(), config.keyPrefix(), config.heartbeatInterval(), config.nodeTtl(), farewells);
    }
}
