package dev.switchboard.bench;

import dev.switchboard.media.PostgresServer;
import dev.switchboard.media.TestImages;
import dev.switchboard.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What durability costs: {@code POST /api/rooms/{room}/photos} uploads per second and latency
 * percentiles against three servers in one run, each a child process on a fresh data dir: a jar of the
 * earlier H2-based store, this build's jar on embedded SQLite, and this build's jar on a throwaway
 * PostgreSQL 15 (fsync on). Phases alternate, twice. Not a test: run by hand (see docs/benchmarks.md).
 * <p>Arguments: OLD_H2_JAR [NEW_JAR=target/switchboard.jar] [uploads per phase=300] [clients=6]
 * [body bytes=1 MiB].
 */
public final class UploadLatencyBench {
    record Phase(String name, int uploads, long nanos, long[] latencies) {
        double perSecond() {
            return uploads / (nanos / 1e9);
        }

        double percentileMs(double p) {
            long[] s = latencies.clone();
            Arrays.sort(s);
            return s[Math.min(s.length - 1, (int) Math.ceil(p * s.length) - 1)] / 1e6;
        }
    }

    public static void main(String[] args) throws Exception {
        String oldJar = args[0];
        String newJar = args.length > 1 ? args[1] : "target/switchboard.jar";
        int uploads = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        int clients = args.length > 3 ? Integer.parseInt(args[3]) : 6;
        int size = args.length > 4 ? Integer.parseInt(args[4]) : 1 << 20;
        byte[] body = TestImages.jpegLike(size, 1);
        List<Phase> results = new ArrayList<>();
        try (PostgresServer pg = PostgresServer.start()) {
            for (int round = 1; round <= 2; round++) {
                for (String which : List.of("h2 (before)", "sqlite", "postgresql")) {
                    pg.reset();
                    Path dir = Files.createTempDirectory("sb-bench");
                    int port = TestServer.freePort();
                    Map<String, String> env = new HashMap<>(Map.of("SWITCHBOARD_HTTP_PORT", Integer.toString(port),
                            "SWITCHBOARD_DATA_DIR", dir.toString(), "SWITCHBOARD_TURN_PORT", "0",
                            "SWITCHBOARD_BIND", "127.0.0.1"));
                    if (which.equals("postgresql")) {
                        env.put("SWITCHBOARD_STORAGE_DATABASE_URL", pg.url());
                    }
                    String jar = which.startsWith("h2") ? oldJar : newJar;
                    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                            "-Xmx512m", "-jar", jar);
                    try (ServerProcess server = ServerProcess.start(ServerProcess.Kind.SWITCHBOARD, which, cmd, env, port,
                            dir.resolve("server.log"))) {
                        String url = "http://127.0.0.1:" + port + "/api/rooms/bench/photos";
                        run(which, url, body, uploads / 5, clients); // warm-up: JIT, pools, database
                        Phase p = run(which, url, body, uploads, clients);
                        results.add(p);
                        System.out.printf("round %d %-12s %7.1f uploads/s  p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms%n",
                                round, which, p.perSecond(), p.percentileMs(0.50), p.percentileMs(0.99),
                                p.percentileMs(1.0));
                    }
                    deleteTree(dir);
                }
            }
        }
    }

    private static final AtomicLong UNIQUE = new AtomicLong();

    static Phase run(String name, String url, byte[] base, int uploads, int clients) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicInteger next = new AtomicInteger();
        long[] latencies = new long[uploads];
        long start = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            fs.add(pool.submit(() -> {
                byte[] body = base.clone();
                for (int i = next.getAndIncrement(); i < uploads; i = next.getAndIncrement()) {
                    long u = UNIQUE.incrementAndGet();
                    for (int b = 0; b < 8; b++) {
                        body[8 + b] = (byte) (u >>> (8 * b)); // distinct bytes: every upload a new file and row
                    }
                    long t0 = System.nanoTime();
                    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url))
                            .header("Content-Type", "image/jpeg").timeout(Duration.ofSeconds(60))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
                    latencies[i] = System.nanoTime() - t0;
                    if (r.statusCode() != 201) {
                        throw new IllegalStateException(name + ": upload answered " + r.statusCode());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        long nanos = System.nanoTime() - start;
        pool.shutdown();
        return new Phase(name, uploads, nanos, latencies);
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
