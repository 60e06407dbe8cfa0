package dev.switchboard.bench;

import dev.switchboard.media.TestImages;
import dev.switchboard.net.EventLoops;
import dev.switchboard.testing.TestServer;
import dev.switchboard.web.HttpResponses;
import dev.switchboard.web.Route;
import dev.switchboard.web.StreamingHandler;
import dev.switchboard.web.WebServer;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Upload throughput of {@code POST /api/rooms/{room}/photos}: 1 MB bodies from 8 concurrent clients,
 * each body distinct (so every upload is a new file: hash, write, fsync, rename, row), against a
 * baseline in the same run: the same bodies POSTed to a route on the same HTTP stack that drops them.
 * Prints MB/s and server CPU per MB for both, and their ratio: "server CPU" is the process's CPU time
 * less the client threads' (so it includes GC and JIT), "server threads" only the server's named
 * threads (event loops, storage executor, database pool, H2), both from ThreadMXBean (user + system). Not a test: run by hand (see docs/benchmarks.md).
 * <p>Arguments: [uploads per phase, default 400] [clients, default 8] [body bytes, default 1 MiB].
 */
public final class UploadBench {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    record Result(String name, int uploads, long bytes, long nanos, long serverCpuNanos, long serverThreadsCpuNanos,
                  long processCpuNanos) {
        double mbPerSecond() {
            return bytes / 1e6 / (nanos / 1e9);
        }

        double serverCpuMsPerMb() {
            return serverCpuNanos / 1e6 / (bytes / 1e6);
        }

        double serverThreadsCpuMsPerMb() {
            return serverThreadsCpuNanos / 1e6 / (bytes / 1e6);
        }
    }

    public static void main(String[] args) throws Exception {
        int uploads = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 1 << 20;
        THREADS.setThreadCpuTimeEnabled(true);
        byte[] base = TestImages.jpegLike(size, 1);

        EventLoops loops = new EventLoops(Math.max(2, Runtime.getRuntime().availableProcessors()));
        WebServer discard = new WebServer(loops, List.of(Route.on("POST", "/discard").stream((c, r, p) -> discarding(c, r))));
        int discardPort = discard.start("127.0.0.1", 0).getPort();
        try (TestServer server = TestServer.start(Map.of())) {
            // Client threads live for the whole run, so their CPU time can be told apart from the server's.
            AtomicInteger n = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(clients, named("bench-client-"));
            ExecutorService io = Executors.newFixedThreadPool(clients, named("bench-client-io-"));
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(io).build();
            String uploadUrl = server.url() + "/api/rooms/bench/photos";
            String discardUrl = "http://127.0.0.1:" + discardPort + "/discard";
            AtomicLong unique = new AtomicLong();
            // Warm-up of both paths (JIT, pools, database), not measured.
            run("warm-up", pool, client, discardUrl, base, unique, uploads / 4, clients);
            run("warm-up", pool, client, uploadUrl, base, unique, uploads / 4, clients);

            List<Result> results = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                results.add(run("baseline (discard)", pool, client, discardUrl, base, unique, uploads, clients));
                results.add(run("media upload", pool, client, uploadUrl, base, unique, uploads, clients));
            }
            System.out.printf("%n%d uploads of %d bytes per phase, %d clients, %d cores, data dir on %s%n",
                    uploads, size, clients, Runtime.getRuntime().availableProcessors(),
                    Files.getFileStore(server.dataDir()).type());
            System.out.printf("%-20s %8s %18s %22s %18s%n", "phase", "MB/s", "server CPU ms/MB",
                    "server threads ms/MB", "process CPU ms/MB");
            pool.shutdownNow();
            io.shutdownNow();
            for (Result r : results) {
                System.out.printf("%-20s %8.1f %18.2f %22.2f %18.2f%n", r.name(), r.mbPerSecond(), r.serverCpuMsPerMb(),
                        r.serverThreadsCpuMsPerMb(), r.processCpuNanos() / 1e6 / (r.bytes() / 1e6));
            }
            Result b = best(results, "baseline (discard)");
            Result m = best(results, "media upload");
            System.out.printf("media / baseline (best of each): throughput %.2f, server CPU per MB %.2f, "
                    + "server threads CPU per MB %.2f%n", m.mbPerSecond() / b.mbPerSecond(),
                    m.serverCpuMsPerMb() / b.serverCpuMsPerMb(), m.serverThreadsCpuMsPerMb() / b.serverThreadsCpuMsPerMb());
            deleteTree(server.dataDir());
        } finally {
            discard.close();
            loops.close();
        }
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static Result best(List<Result> results, String name) {
        return results.stream().filter(r -> r.name().equals(name)).max(Comparator.comparingDouble(Result::mbPerSecond))
                .orElseThrow();
    }

    private static Result run(String name, ExecutorService pool, HttpClient client, String url, byte[] base, AtomicLong unique, int count,
                              int clients) throws Exception {
        AtomicInteger left = new AtomicInteger(count);
        Map<String, Long> groups0 = cpuByThreadGroup();
        long cpu0 = serverCpu();
        long threads0 = serverThreadsCpu();
        long proc0 = processCpu();
        long t0 = System.nanoTime();
        List<Future<Long>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            futures.add(pool.submit(() -> {
                long sent = 0;
                while (left.getAndDecrement() > 0) {
                    byte[] body = base.clone();
                    ByteBuffer.wrap(body, 4, 8).putLong(unique.incrementAndGet()); // a new photo every time
                    HttpResponse<Void> res = client.send(HttpRequest.newBuilder(URI.create(url))
                            .header("Content-Type", "image/jpeg")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
                    if (res.statusCode() != 201 && res.statusCode() != 204) {
                        throw new IllegalStateException(name + ": HTTP " + res.statusCode());
                    }
                    sent += body.length;
                }
                return sent;
            }));
        }
        long bytes = 0;
        for (Future<Long> f : futures) {
            bytes += f.get();
        }
        long nanos = System.nanoTime() - t0;
        Result r = new Result(name, count, bytes, nanos, serverCpu() - cpu0, serverThreadsCpu() - threads0,
                processCpu() - proc0);
        if (!name.equals("warm-up")) {
            Map<String, Long> groups = cpuByThreadGroup();
            StringBuilder sb = new StringBuilder();
            long total = bytes;
            groups.forEach((g, v) -> {
                double ms = (v - groups0.getOrDefault(g, 0L)) / 1e6 / (total / 1e6);
                if (ms >= 0.05) {
                    sb.append(String.format(" %s %.2f", g, ms));
                }
            });
            System.out.printf("%-20s CPU ms/MB by thread:%s%n", name, sb);
            System.out.printf("%-20s %4d uploads in %6.2f s: %7.1f MB/s, server CPU %.2f ms/MB%n", name, count,
                    nanos / 1e9, r.mbPerSecond(), r.serverCpuMsPerMb());
        }
        return r;
    }

    /**
     * CPU time (user + system) of every thread that is not a client's: the server's event loops, storage
     * executor and database pool, H2's own threads, the JIT and GC. The clients (the JDK HttpClient's
     * threads and this benchmark's pool) are left out.
     */
    private static long serverCpu() {
        long clients = 0;
        for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (t != null && (t.getThreadName().startsWith("HttpClient") || t.getThreadName().startsWith("bench-client")
                    || t.getThreadName().equals("main"))) {
                clients += Math.max(0, THREADS.getThreadCpuTime(t.getThreadId()));
            }
        }
        return processCpu() - clients;
    }

    /** CPU time of the server's named threads only: sb-* (event loops, storage, database pool) and H2's. */
    private static long serverThreadsCpu() {
        long total = 0;
        for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (t != null && (t.getThreadName().startsWith("sb-") || t.getThreadName().startsWith("MVStore")
                    || t.getThreadName().startsWith("H2 "))) {
                total += Math.max(0, THREADS.getThreadCpuTime(t.getThreadId()));
            }
        }
        return total;
    }

    /** CPU time per thread name with its numbers removed (sb-io-N-N, sb-storage-N, ...). */
    private static Map<String, Long> cpuByThreadGroup() {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (t != null) {
                String g = t.getThreadName().replaceAll("[0-9]+", "N");
                g = g.length() > 24 ? g.substring(0, 24) : g;
                out.merge(g, Math.max(0, THREADS.getThreadCpuTime(t.getThreadId())), Long::sum);
            }
        }
        return out;
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** The baseline: reads and drops the body, then answers 204 from the event loop. */
    private static StreamingHandler.Body discarding(io.netty.channel.ChannelHandlerContext ctx,
                                                    io.netty.handler.codec.http.HttpRequest req) {
        return new StreamingHandler.Body() {
            @Override
            public void content(ByteBuf part) {
                // dropped
            }

            @Override
            public void end() {
                HttpResponses.send(ctx, req, HttpResponses.response(HttpResponseStatus.NO_CONTENT,
                        io.netty.buffer.Unpooled.EMPTY_BUFFER, null));
            }

            @Override
            public void abort(Throwable cause) {
                // nothing held
            }
        };
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
