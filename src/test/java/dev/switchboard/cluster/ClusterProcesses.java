package dev.switchboard.cluster;

import dev.switchboard.media.ServerChild;
import dev.switchboard.testing.NginxServer;
import dev.switchboard.testing.RedisServer;
import dev.switchboard.testing.TestServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Switchboard nodes as child processes of this JVM sharing one redis-server, and nginx in front configured by
 * the project's deploy/ files when asked: what the tests that kill a node or take over its sessions start.
 * Every node gets what a load through one proxy needs (the limits per address, on new sessions and on
 * messages lifted), no HTTPS or TURN port, no free-space floor, and the heartbeat and node TTL given.
 */
final class ClusterProcesses implements AutoCloseable {
    final List<ServerChild> nodes = new ArrayList<>();
    private final List<Path> dirs = new ArrayList<>();
    private RedisServer redis;
    private NginxServer nginx;

    private ClusterProcesses() {
    }

    /** Null when redis-server (and nginx, if {@code nginx}) are installed; else why the tests must skip. */
    static String unavailable(boolean nginx) {
        String redis = RedisServer.unavailable();
        return redis != null || !nginx ? redis : NginxServer.unavailable();
    }

    /**
     * Starts {@code count} nodes, each logging to {@code log.apply(i)} (null: a file in its data directory),
     * and nginx in front of them if {@code nginx}.
     */
    static ClusterProcesses start(int count, Duration heartbeat, Duration nodeTtl, IntFunction<Path> log, boolean nginx)
            throws Exception {
        ClusterProcesses c = new ClusterProcesses();
        try {
            c.redis = RedisServer.start();
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Path dir = Files.createTempDirectory("switchboard-node");
                c.dirs.add(dir);
                int port = TestServer.freePort();
                Map<String, String> env = new HashMap<>();
                env.put("SWITCHBOARD_CLUSTER_REDIS_URL", c.redis.url());
                env.put("SWITCHBOARD_CLUSTER_HEARTBEAT_INTERVAL", heartbeat.toMillis() + "ms");
                env.put("SWITCHBOARD_CLUSTER_NODE_TTL", nodeTtl.toMillis() + "ms");
                env.put("SWITCHBOARD_HTTPS_PORT", "0");
                env.put("SWITCHBOARD_TURN_PORT", "0");
                env.put("SWITCHBOARD_SIGNALING_MESSAGES_PER_SECOND", "100000");
                env.put("SWITCHBOARD_SIGNALING_MESSAGE_BURST", "100000");
                // Every connection comes from nginx's address, and after a kill many reconnect at once.
                env.put("SWITCHBOARD_HTTP_MAX_CONNECTIONS_PER_IP", "100000");
                env.put("SWITCHBOARD_SIGNALING_NEW_SESSIONS_PER_SECOND", "100000");
                env.put("SWITCHBOARD_SIGNALING_NEW_SESSION_BURST", "100000");
                env.put("SWITCHBOARD_STORAGE_MIN_FREE_BYTES", "0");
                Path file = log == null ? dir.resolve("node.log") : log.apply(i);
                Files.deleteIfExists(file);
                c.nodes.add(ServerChild.start(ServerChild.javaCommand(), dir, port, env, file));
                ports.add(port);
            }
            if (nginx) {
                c.nginx = NginxServer.start(TestServer.freePort(), NginxServer.upstreamFrom(NginxServer.CLUSTER_CONF, ports));
            }
            return c;
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
    }

    RedisServer redis() {
        return redis;
    }

    /** nginx's URL: where clients connect. */
    String url() {
        return nginx.url();
    }

    /** The nodes' HTTP ports, in order. */
    List<Integer> ports() {
        return nodes.stream().map(n -> URI.create(n.url()).getPort()).toList();
    }

    @Override
    public void close() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
        for (ServerChild n : nodes) {
            n.close();
        }
        if (redis != null) {
            redis.close();
        }
        for (Path d : dirs) {
            TestServer.deleteTree(d);
        }
    }
}
