package dev.switchboard.bench;

import dev.switchboard.net.EventLoops;
import dev.switchboard.testing.RedisServer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Signaling across nodes: the codelab load of {@link SignalingBench} against one Switchboard node (rooms
 * in memory), then against two nodes sharing rooms through a redis-server where every room's caller
 * sits on node A and its answerer on node B, so every message crosses Redis; then the same two nodes
 * with Lettuce on threads of its own instead of the nodes' event loops, for what sharing them saves; then
 * with {@code cluster.recovery-across-nodes = false} (no recovery boxes), for what the boxes cost. Same
 * run, same load generator; CPU per relayed message counts every server process of the setup, Redis
 * included, and is also printed per process.
 *
 * <p>Run by {@code bench/cluster.sh}; options {@code --rooms 250 --warmup-s 8 --measure-s 15
 * --pace-ms 100 --jar target/switchboard.jar}. Paced points offer rooms x 2 / pace messages a second
 * (250 rooms, 100 ms: about 5,000/s); closed points run flat out. Loopback only, stops by itself.
 */
public final class ClusterBench {
    private final Map<String, String> opts;
    private final EventLoops loops = new EventLoops(Runtime.getRuntime().availableProcessors());
    private final long clockTicks = 100;

    private ClusterBench(Map<String, String> opts) {
        this.opts = opts;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        opts.put("rooms", "250");
        opts.put("warmup-s", "8");
        opts.put("measure-s", "15");
        opts.put("pace-ms", "100");
        opts.put("jar", "target/switchboard.jar");
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--") || !opts.containsKey(args[i].substring(2))) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; known: " + opts.keySet());
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        ClusterBench bench = new ClusterBench(opts);
        try {
            bench.run();
        } finally {
            bench.loops.close();
        }
        System.exit(0);
    }

    private void run() throws Exception {
        int rooms = Integer.parseInt(opts.get("rooms"));
        int warmup = Integer.parseInt(opts.get("warmup-s"));
        int measure = Integer.parseInt(opts.get("measure-s"));
        int pace = Integer.parseInt(opts.get("pace-ms"));
        System.out.printf(Locale.ROOT, "cluster bench: %d rooms of 2, warm-up %d s, measure %d s, pace %d ms, %d cores%n",
                rooms, warmup, measure, pace, Runtime.getRuntime().availableProcessors());
        Path work = Files.createTempDirectory("sb-cluster-bench");
        List<SignalingBench.Point> points = new ArrayList<>();
        try (ServerProcess one = node(work, "one-node", null)) {
            List<Long> pids = List.of(one.pid());
            points.add(point("1 node", pids, one.port, one.port, rooms, 0, warmup, measure));
            points.add(point("1 node", pids, one.port, one.port, rooms, pace, warmup, measure));
        }
        try (RedisServer redis = RedisServer.start();
             ServerProcess a = node(work, "node-a", redis.url());
             ServerProcess b = node(work, "node-b", redis.url())) {
            List<Long> pids = List.of(a.pid(), b.pid(), redis.pid());
            points.add(point("2 nodes+redis", pids, a.port, b.port, rooms, 0, warmup, measure));
            points.add(point("2 nodes+redis", pids, a.port, b.port, rooms, pace, warmup, measure));
        }
        // The same with Lettuce on threads of its own instead of the nodes' event loops: what sharing them saves.
        try (RedisServer redis = RedisServer.start();
             ServerProcess a = node(work, "node-a-own", redis.url(), true, OWN_THREADS);
             ServerProcess b = node(work, "node-b-own", redis.url(), true, OWN_THREADS)) {
            List<Long> pids = List.of(a.pid(), b.pid(), redis.pid());
            points.add(point("2 nodes, Lettuce threads", pids, a.port, b.port, rooms, 0, warmup, measure));
            points.add(point("2 nodes, Lettuce threads", pids, a.port, b.port, rooms, pace, warmup, measure));
        }
        // The same without the recovery boxes (cluster.recovery-across-nodes = false): what they cost.
        try (RedisServer redis = RedisServer.start();
             ServerProcess a = node(work, "node-a-nobox", redis.url(), false);
             ServerProcess b = node(work, "node-b-nobox", redis.url(), false)) {
            List<Long> pids = List.of(a.pid(), b.pid(), redis.pid());
            points.add(point("2 nodes, no boxes", pids, a.port, b.port, rooms, 0, warmup, measure));
            points.add(point("2 nodes, no boxes", pids, a.port, b.port, rooms, pace, warmup, measure));
        }
        System.out.println();
        System.out.println("| setup | mode | msg/s | p50 ms | p99 ms | CPU us/msg (all server processes) | errors |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|");
        for (SignalingBench.Point p : points) {
            System.out.printf(Locale.ROOT, "| %s | %s | %.0f | %.2f | %.2f | %.1f | %d |%n", p.server(), p.mode(),
                    p.messagesPerSecond(), p.p50Micros() / 1000.0, p.p99Micros() / 1000.0, p.cpuMicrosPerMessage(), p.errors());
        }
    }

    private ServerProcess node(Path work, String name, String redisUrl) throws Exception {
        return node(work, name, redisUrl, true);
    }

    private ServerProcess node(Path work, String name, String redisUrl, boolean boxes) throws Exception {
        return node(work, name, redisUrl, boxes, null);
    }

    /** Lettuce on its own threads (the nodes' default is their event loops): RoomClusters' switch. */
    private static final String OWN_THREADS = "-Dswitchboard.cluster.lettuce-own-threads=true";

    private ServerProcess node(Path work, String name, String redisUrl, boolean boxes, String javaOption) throws Exception {
        int port = freePort();
        Path data = Files.createDirectories(work.resolve(name));
        List<String> cmd = new ArrayList<>(List.of("java"));
        if (javaOption != null) {
            cmd.add(javaOption);
        }
        cmd.addAll(List.of("-jar", opts.get("jar"), "--http-port", Integer.toString(port),
                "--bind", "127.0.0.1", "--turn-port", "0", "--https-port", "0", "--data-dir", data.toString()));
        if (redisUrl != null) {
            cmd.addAll(List.of("--redis-url", redisUrl));
        }
        Map<String, String> env = Map.of("SWITCHBOARD_CLUSTER_RECOVERY_ACROSS_NODES", Boolean.toString(boxes),
                "SWITCHBOARD_SIGNALING_MESSAGES_PER_SECOND", "1000000",
                "SWITCHBOARD_SIGNALING_MESSAGE_BURST", "1000000",
                "SWITCHBOARD_SIGNALING_NEW_SESSIONS_PER_SECOND", "1000000", "SWITCHBOARD_SIGNALING_NEW_SESSION_BURST", "1000000",
                // every client comes from one loopback address: past the 128 connections an address may hold
                "SWITCHBOARD_HTTP_MAX_CONNECTIONS_PER_IP", "1000000");
        return ServerProcess.start(ServerProcess.Kind.SWITCHBOARD, name, cmd, env, port, work.resolve(name + ".log"));
    }

    private long cpuTicks(List<Long> pids) throws Exception {
        long t = 0;
        for (long pid : pids) {
            t += ServerProcess.cpuOf(Path.of("/proc", Long.toString(pid), "stat")).total();
        }
        return t;
    }

    private long[] eachCpu(List<Long> pids) throws Exception {
        long[] t = new long[pids.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = ServerProcess.cpuOf(Path.of("/proc", Long.toString(pids.get(i)), "stat")).total();
        }
        return t;
    }

    private SignalingBench.Point point(String setup, List<Long> pids, int callerPort, int answererPort, int rooms, int pace,
            int warmupS, int measureS) throws Exception {
        String mode = pace == 0 ? "closed" : "paced";
        Load load = new Load(pace);
        List<BenchClient> clients = new ArrayList<>(rooms * 2);
        List<Integer> ports = new ArrayList<>(rooms * 2);
        String prefix = "cb-" + mode + "-" + setup.charAt(0) + "-";
        for (int i = 0; i < rooms; i++) {
            clients.add(new BenchClient(BenchClient.Role.CALLER, prefix + i, load));
            ports.add(callerPort);
            clients.add(new BenchClient(BenchClient.Role.ANSWERER, prefix + i, load));
            ports.add(answererPort);
        }
        try {
            connectAll(clients, ports);
            load.running = true;
            for (BenchClient c : clients) {
                c.start();
            }
            Thread.sleep(warmupS * 1000L);
            long cpu0 = cpuTicks(pids);
            long[] each0 = eachCpu(pids);
            long t0 = System.nanoTime();
            load.measuring = true;
            Thread.sleep(measureS * 1000L);
            load.measuring = false;
            long cpu1 = cpuTicks(pids);
            long[] each1 = eachCpu(pids);
            long t1 = System.nanoTime();
            load.running = false;
            double seconds = (t1 - t0) / 1e9;
            long relayed = load.relayed.sum();
            double cpuMicros = (cpu1 - cpu0) * 1e6 / clockTicks;
            SignalingBench.Point p = new SignalingBench.Point(setup, rooms, mode, seconds, relayed, load.rtt.percentileMicros(0.50),
                    load.rtt.percentileMicros(0.99), load.rtt.count(), relayed == 0 ? Double.NaN : cpuMicros / relayed,
                    0, cpuMicros / 1e6 / seconds, 0, load.errors.sum() + load.unexpectedCloses.sum(), load.firstError);
            System.out.printf(Locale.ROOT, "  %-14s %-6s %8.0f msg/s  p50 %6.2f ms  p99 %7.2f ms  %6.1f us CPU/msg  servers %.2f cores  errors %d%s%n",
                    setup, mode, p.messagesPerSecond(), p.p50Micros() / 1000.0, p.p99Micros() / 1000.0,
                    p.cpuMicrosPerMessage(), p.serverCores(), p.errors(), p.firstError() == null ? "" : " first: " + p.firstError());
            if (pids.size() > 1 && relayed > 0) {
                StringBuilder split = new StringBuilder("    per process (us/msg):");
                for (int i = 0; i < pids.size(); i++) {
                    split.append(String.format(Locale.ROOT, " %s %.1f", i == pids.size() - 1 ? "redis" : "node" + (char) ('A' + i),
                            (each1[i] - each0[i]) * 1e6 / clockTicks / relayed));
                }
                System.out.println(split);
            }
            return p;
        } finally {
            load.running = false;
            for (BenchClient c : clients) {
                Channel ch = c.channel();
                if (ch != null) {
                    ch.close().await(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    private void connectAll(List<BenchClient> clients, List<Integer> ports) throws Exception {
        Semaphore inFlight = new Semaphore(100);
        List<CompletableFuture<BenchClient>> all = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            BenchClient c = clients.get(i);
            int port = ports.get(i);
            URI uri = URI.create("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket");
            inFlight.acquire();
            c.ready.whenComplete((v, e) -> inFlight.release());
            all.add(c.ready);
            new Bootstrap().group(loops.workers()).channel(loops.socketChannel())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536),
                                    new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                                            .webSocketUri(uri).version(WebSocketVersion.V13)
                                            .maxFramePayloadLength(1 << 20).generateOriginHeader(false).build()),
                                    c);
                        }
                    })
                    .connect("127.0.0.1", port).addListener(f -> {
                        if (!f.isSuccess()) {
                            c.ready.completeExceptionally(f.cause());
                        }
                    });
            if (i % 2 == 1) {
                // a pair is ready only once both joined: wait for it before the next pair holds permits
                CompletableFuture.allOf(clients.get(i - 1).ready, c.ready).get(30, TimeUnit.SECONDS);
            }
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
