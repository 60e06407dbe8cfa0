package dev.switchboard.bench;

import dev.switchboard.net.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.io.IOException;
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
 * The signaling benchmark: the same codelab load against Switchboard and against a Node.js Socket.IO 4
 * server ({@code bench/node-codelab-server.js}), each in its own process, in one run. For R rooms of
 * two clients it reports relayed messages per second, round-trip p50/p99 and the server's CPU time per
 * relayed message (from /proc/PID/stat over the measured window); then the live heap and RSS per idle
 * connection. Every figure is printed next to the baseline's, with the ratio, because the machine is
 * shared: ratios and CPU per operation mean something, lone wall-clock times do not.
 *
 * <p>Two kinds of point per room count: {@code closed} (each pair sends its next message as soon as
 * the previous one came back: the servers run flat out, which is what CPU per message is read from)
 * and {@code paced} (each pair waits {@code --pace-ms} between round trips: a fixed offered load, which
 * is what the round-trip target is read from).
 *
 * <p>Run by {@code bench/signaling.sh}; options: {@code --rooms 100,1000 --warmup-s 10 --measure-s 15
 * --pace-ms 100 --idle 10000 --jar target/switchboard.jar --node-script bench/node-codelab-server.js
 * --only switchboard|node --switchboard-jvm-opts "-XX:..."} (extra JVM options, e.g. to record a profile)
 * {@code --server-cpus 0} (pin both servers to these CPUs; {@code bench/signaling.sh --pin} also pins the load
 * generator to the others, so the two never compete for a core). Bounded: fixed durations, loopback only, stops by itself.
 */
public final class SignalingBench {
    private static final int CONNECT_CONCURRENCY = 200;

    record Point(String server, int rooms, String mode, double seconds, long relayed, long p50Micros,
                 long p99Micros, long roundTrips, double cpuMicrosPerMessage, double systemShare, double serverCores,
                 double clientCores, long errors, String firstError) {
        double messagesPerSecond() {
            return relayed / seconds;
        }
    }

    record Idle(String server, int connections, long heapBefore, long heapAfter, long rssBefore, long rssAfter) {
        double heapPerConnection() {
            return (heapAfter - heapBefore) / (double) connections;
        }

        double rssPerConnection() {
            return (rssAfter - rssBefore) / (double) connections;
        }
    }

    private final Map<String, String> opts;
    private final EventLoops loops = new EventLoops(Runtime.getRuntime().availableProcessors());
    private final long clockTicks;

    private SignalingBench(Map<String, String> opts) throws IOException, InterruptedException {
        this.opts = opts;
        this.clockTicks = clockTicksPerSecond();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        opts.put("rooms", "100,1000");
        opts.put("warmup-s", "10");
        opts.put("measure-s", "15");
        opts.put("pace-ms", "100");
        opts.put("idle", "10000");
        opts.put("jar", "target/switchboard.jar");
        opts.put("node-script", "bench/node-codelab-server.js");
        opts.put("only", "");
        opts.put("switchboard-jvm-opts", "");
        opts.put("server-cpus", "");
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--") || !opts.containsKey(args[i].substring(2))) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; known: " + opts.keySet());
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        SignalingBench bench = new SignalingBench(opts);
        try {
            bench.run();
        } finally {
            bench.loops.close();
        }
        System.exit(0);
    }

    private void run() throws Exception {
        List<Integer> roomCounts = new ArrayList<>();
        for (String r : opts.get("rooms").split(",")) {
            roomCounts.add(Integer.parseInt(r.trim()));
        }
        int warmup = Integer.parseInt(opts.get("warmup-s"));
        int measure = Integer.parseInt(opts.get("measure-s"));
        int pace = Integer.parseInt(opts.get("pace-ms"));
        int idle = Integer.parseInt(opts.get("idle"));
        System.out.printf(Locale.ROOT, "signaling bench: rooms %s, warm-up %d s, measure %d s, pace %d ms, idle %d,"
                        + " clock ticks %d/s, client transport %s%n",
                roomCounts, warmup, measure, pace, idle, clockTicks, loops.transport().label());

        List<Point> points = new ArrayList<>();
        List<Idle> idles = new ArrayList<>();
        Path work = Files.createTempDirectory("sb-bench");
        for (ServerProcess.Kind kind : ServerProcess.Kind.values()) {
            String only = opts.get("only");
            if (!only.isEmpty() && !only.equalsIgnoreCase(kind.name())) {
                continue;
            }
            try (ServerProcess server = start(kind, work)) {
                System.out.println("started " + server);
                for (int rooms : roomCounts) {
                    points.add(measurePoint(server, rooms, "closed", 0, warmup, measure));
                    points.add(measurePoint(server, rooms, "paced", pace, Math.max(3, warmup / 2), measure));
                }
                if (idle > 0) {
                    idles.add(measureIdle(server, idle));
                }
            }
        }
        Report.print(points, idles, pace);
    }

    private ServerProcess start(ServerProcess.Kind kind, Path work) throws IOException, InterruptedException {
        int port = freePort();
        if (kind == ServerProcess.Kind.SWITCHBOARD) {
            Path data = Files.createDirectories(work.resolve("data"));
            // The per-connection rate limit (50/s by default) would cap a closed loop, and every client comes
            // from one address (past the new-session budget and the connections an address may hold): raise them.
            Map<String, String> env = Map.of(
                    "SWITCHBOARD_SIGNALING_MESSAGES_PER_SECOND", "1000000",
                    "SWITCHBOARD_SIGNALING_MESSAGE_BURST", "1000000",
                    "SWITCHBOARD_SIGNALING_NEW_SESSIONS_PER_SECOND", "1000000",
                    "SWITCHBOARD_SIGNALING_NEW_SESSION_BURST", "1000000",
                    "SWITCHBOARD_HTTP_MAX_CONNECTIONS_PER_IP", "1000000");
            List<String> cmd = new ArrayList<>(pinned());
            cmd.add("java");
            for (String o : opts.get("switchboard-jvm-opts").split(" ")) {
                if (!o.isBlank()) {
                    cmd.add(o);
                }
            }
            cmd.addAll(List.of("-jar", opts.get("jar"), "--http-port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--data-dir", data.toString()));
            return ServerProcess.start(kind, "switchboard", cmd, env, port, work.resolve("switchboard.log"));
        }
        List<String> node = new ArrayList<>(pinned());
        node.addAll(List.of("node", "--expose-gc", opts.get("node-script"), Integer.toString(port)));
        return ServerProcess.start(kind, "node", node, Map.of(), port, work.resolve("node.log"));
    }

    /** {@code taskset -c CPUS} when the servers are pinned ({@code --server-cpus}), else nothing. */
    private List<String> pinned() {
        String cpus = opts.get("server-cpus");
        return cpus.isEmpty() ? List.of() : List.of("taskset", "-c", cpus);
    }

    private Point measurePoint(ServerProcess server, int rooms, String mode, int pace, int warmupS, int measureS)
            throws Exception {
        Load load = new Load(pace);
        List<BenchClient> clients = new ArrayList<>(rooms * 2);
        String prefix = "bench-" + mode + "-" + rooms + "-";
        for (int i = 0; i < rooms; i++) {
            clients.add(new BenchClient(BenchClient.Role.CALLER, prefix + i, load));
            clients.add(new BenchClient(BenchClient.Role.ANSWERER, prefix + i, load));
        }
        try {
            connectAll(loops, server.port, clients);
            load.running = true;
            for (BenchClient c : clients) {
                c.start();
            }
            Thread.sleep(warmupS * 1000L);
            ServerProcess.Cpu cpu0 = server.cpu();
            ServerProcess.Cpu self0 = ServerProcess.cpuOf(Path.of("/proc/self/stat"));
            long t0 = System.nanoTime();
            load.measuring = true;
            Thread.sleep(measureS * 1000L);
            load.measuring = false;
            ServerProcess.Cpu cpu1 = server.cpu();
            ServerProcess.Cpu self1 = ServerProcess.cpuOf(Path.of("/proc/self/stat"));
            long t1 = System.nanoTime();
            load.running = false;
            double seconds = (t1 - t0) / 1e9;
            long relayed = load.relayed.sum();
            double cpuMicros = (cpu1.total() - cpu0.total()) * 1e6 / clockTicks;
            double systemShare = (cpu1.system() - cpu0.system()) / (double) Math.max(1, cpu1.total() - cpu0.total());
            double clientCores = (self1.total() - self0.total()) / (double) clockTicks / seconds;
            Point p = new Point(server.name, rooms, mode, seconds, relayed, load.rtt.percentileMicros(0.50),
                    load.rtt.percentileMicros(0.99), load.rtt.count(), relayed == 0 ? Double.NaN : cpuMicros / relayed,
                    systemShare, cpuMicros / 1e6 / seconds, clientCores, load.errors.sum() + load.unexpectedCloses.sum(), load.firstError);
            System.out.printf(Locale.ROOT, "  %-11s R=%-5d %-6s %9.0f msg/s  p50 %6.2f ms  p99 %7.2f ms  "
                            + "%6.1f us CPU/msg (%2.0f%% system)  server %.2f cores  client %.2f cores  errors %d%n",
                    p.server(), rooms, mode, p.messagesPerSecond(), p.p50Micros() / 1000.0, p.p99Micros() / 1000.0,
                    p.cpuMicrosPerMessage(), p.systemShare() * 100, p.serverCores(), p.clientCores(), p.errors());
            System.out.printf(Locale.ROOT, "    round trips: p90 %.2f ms  p95 %.2f ms  p99.9 %.2f ms  max bucket %.2f ms%n",
                    load.rtt.percentileMicros(0.90) / 1000.0, load.rtt.percentileMicros(0.95) / 1000.0,
                    load.rtt.percentileMicros(0.999) / 1000.0, load.rtt.percentileMicros(1.0) / 1000.0);
            if (p.firstError() != null) {
                System.out.println("    first error: " + p.firstError());
            }
            return p;
        } finally {
            load.running = false;
            closeAll(clients);
            Thread.sleep(1000); // the server settles before the next point
        }
    }

    private Idle measureIdle(ServerProcess server, int n) throws Exception {
        Thread.sleep(2000);
        long heap0 = server.liveHeapBytes();
        long rss0 = server.rssBytes();
        Load load = new Load(0);
        List<BenchClient> clients = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            clients.add(new BenchClient(BenchClient.Role.IDLE, null, load));
        }
        try {
            int opened = connectAll(loops, server.port, clients);
            Thread.sleep(2000);
            long heap1 = server.liveHeapBytes();
            long rss1 = server.rssBytes();
            Idle r = new Idle(server.name, opened, heap0, heap1, rss0, rss1);
            System.out.printf(Locale.ROOT, "  %-11s idle %d connections: heap %,d -> %,d B (%,.0f B/conn), "
                            + "RSS %,d -> %,d B (%,.0f B/conn)%n", server.name, opened, heap0, heap1,
                    r.heapPerConnection(), rss0, rss1, r.rssPerConnection());
            return r;
        } finally {
            closeAll(clients);
            Thread.sleep(1000); // the server settles before the next point
        }
    }

    /** Connects every client (at most {@link #CONNECT_CONCURRENCY} handshakes in flight); returns how many are ready. */
    static int connectAll(EventLoops loops, int port, List<BenchClient> clients) throws Exception {
        URI uri = URI.create("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket");
        Semaphore inFlight = new Semaphore(CONNECT_CONCURRENCY);
        List<CompletableFuture<BenchClient>> all = new ArrayList<>(clients.size());
        for (BenchClient c : clients) {
            inFlight.acquire();
            c.ready.whenComplete((v, e) -> inFlight.release());
            all.add(c.ready);
            Bootstrap b = new Bootstrap().group(loops.workers()).channel(loops.socketChannel())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536),
                                    new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                                            .webSocketUri(uri).version(WebSocketVersion.V13)
                                            .maxFramePayloadLength(1 << 20).handshakeTimeoutMillis(20_000)
                                            .generateOriginHeader(false).build()),
                                    c);
                        }
                    });
            b.connect("127.0.0.1", port).addListener(f -> {
                if (!f.isSuccess()) {
                    c.ready.completeExceptionally(f.cause());
                }
            });
        }
        int ok = 0;
        Throwable firstFailure = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // for all of them, not each
        for (CompletableFuture<BenchClient> f : all) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                ok++;
            } catch (Exception e) {
                if (firstFailure == null) {
                    firstFailure = e;
                }
            }
        }
        if (ok < clients.size()) {
            System.out.printf("  only %d of %d connections became ready; first failure: %s%n", ok, clients.size(),
                    firstFailure);
            boolean pairs = clients.get(0).role != BenchClient.Role.IDLE;
            if (pairs) {
                throw new IllegalStateException("not every pair joined its room", firstFailure);
            }
        }
        return ok;
    }

    /** Closes every client's connection and waits (up to 10 s each) until it is closed. */
    static void closeAll(List<BenchClient> clients) throws InterruptedException {
        for (BenchClient c : clients) {
            Channel ch = c.channel();
            if (ch != null) {
                ch.close();
            }
        }
        for (BenchClient c : clients) {
            Channel ch = c.channel();
            if (ch != null) {
                ch.closeFuture().await(10, TimeUnit.SECONDS);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static long clockTicksPerSecond() throws InterruptedException {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return Long.parseLong(out);
        } catch (IOException | NumberFormatException e) {
            return 100;
        }
    }
}
