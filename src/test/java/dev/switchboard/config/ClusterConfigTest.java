package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.cluster.LocalRooms;
import dev.switchboard.cluster.RoomClusters;
import dev.switchboard.signaling.Departures;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterConfigTest {

    @Test
    void defaultsKeepRoomsInThisProcess() throws Exception {
        SwitchboardConfig c = ConfigLoader.load(null, Map.of(), Map.of());
        assertThat(c.cluster().redisUrl()).isEmpty();
        assertThat(c.cluster().keyPrefix()).isEqualTo("switchboard:");
        assertThat(c.cluster().heartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.cluster().nodeTtl()).isEqualTo(Duration.ofSeconds(6));
        assertThat(c.cluster().recoveryAcrossNodes()).isTrue();
        assertThat(ConfigLoader.load(null, Map.of("SWITCHBOARD_CLUSTER_RECOVERY_ACROSS_NODES", "false"), Map.of())
                .cluster().recoveryAcrossNodes()).isFalse();
        try (var rooms = RoomClusters.create(c.cluster(), Departures.FAREWELLS)) {
            assertThat(rooms).isInstanceOf(LocalRooms.class);
        }
    }

    @Test
    void redisUrlsWithTlsAndPasswordsAreAccepted() {
        for (String url : new String[] {"redis://10.0.0.5:6379", "rediss://redis.example.org:6380", "redis://:s3cret@10.0.0.5:6379/0"}) {
            SwitchboardConfig c = ConfigLoader.load(null, Map.of("SWITCHBOARD_CLUSTER_REDIS_URL", url), Map.of());
            assertThat(c.cluster().redisUrl()).isEqualTo(url);
        }
    }

    @Test
    void badValuesNameTheirKeys() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("cluster.redis-url", "http://10.0.0.5:6379",
                "cluster.key-prefix", "has space", "cluster.heartbeat-interval", "5s", "cluster.node-ttl", "6s")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .anyMatch(p -> p.startsWith("cluster.redis-url:") && p.contains("redis://"))
                        .anyMatch(p -> p.startsWith("cluster.key-prefix:"))
                        .anyMatch(p -> p.startsWith("cluster.node-ttl:") && p.contains("twice")));
    }

    @Test
    void anUnreachableRedisFailsTheStartNamingTheKey() {
        SwitchboardConfig c = ConfigLoader.load(null, Map.of(), Map.of("cluster.redis-url", "redis://127.0.0.1:1"));
        assertThatThrownBy(() -> RoomClusters.create(c.cluster(), Departures.FAREWELLS))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("cluster.redis-url")
                .hasMessageContaining("127.0.0.1:1");
    }
}
