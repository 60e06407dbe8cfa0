package dev.switchboard.cluster;

import dev.switchboard.config.SwitchboardConfig.ClusterConfig;
import dev.switchboard.net.EventLoops;
import io.lettuce.core.resource.Transports;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.time.Duration;

/** Chooses the implementation: Redis when {@code cluster.redis-url} is set, else this node's memory. */
public final class RoomClusters {
    private RoomClusters() {}

    public static RoomCluster create(ClusterConfig config, Farewells farewells) throws IOException {
        return create(config, farewells, Duration.ZERO, 0, null);
    }

    /**
     * With a non-zero {@code recoveryWindow}, Redis also carries connection state recovery
     * ({@link RoomCluster#recovery()}), so that another node can take over the sessions of one that died.
     */
    public static RoomCluster create(ClusterConfig config, Farewells farewells, Duration recoveryWindow, int recoveryMaxPackets,
            EventLoops loops) throws IOException {
        if (config.redisUrl().isEmpty()) {
            return new LocalRooms();
        }
        return RedisRooms.connect(config.redisUrl(), config.keyPrefix(), config.heartbeatInterval(), config.nodeTtl(), farewells,
                recoveryWindow, recoveryMaxPackets, sharable(loops));
    }

    /**
     * The server's loops when Lettuce can run its connections on them (its transport makes the same
     * kind of socket channel as the server's), else null: Lettuce then starts threads of its own. The
     * system property {@value #OWN_THREADS} keeps Lettuce on its own threads (benchmarks compare the two).
     */
    static EventLoopGroup sharable(EventLoops loops) {
        if (loops == null || Boolean.getBoolean(OWN_THREADS) || Transports.socketChannelClass() != loops.socketChannel()) {
            return null;
        }
        return loops.workers();
    }

    static final String OWN_THREADS = "switchboard.cluster.lettuce-own-threads";
}
