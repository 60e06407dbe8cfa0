package dev.switchboard.bench;

import dev.switchboard.net.EventLoops;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One soak run against a Switchboard process: {@code connections} signaling clients in pairs (one
 * codelab room each, a paced round trip per pair) and {@code allocations} TURN allocations relaying to
 * an echo peer, for a fixed time after a warm-up; every sample interval the server's live heap after a
 * full collection, open files, threads and resident set, and the round-trip percentiles and error counts
 * of the interval. At the end the callers and the TURN clients stop sending and wait for what is in
 * flight: every round trip must come back. Shared by {@link SoakBench} and the suite's short soak.
 */
final class SoakRun {
    static final String TURN_USER = "soak";
    static final String TURN_PASSWORD = "soak-password";
    /** A caller whose message has not come back for this long counts as stalled. */
    private static final java.util.concurrent.atomic.AtomicLong RUNS = new java.util.concurrent.atomic.AtomicLong();
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Growth allowed between the first sample after warm-up and the last one. */
    static final double DRIFT_LIMIT = 0.10;
    /** After each forced full collection, round trips completed within this time are set apart. */
    static final long GC_WINDOW_MILLIS = 2000;

    record Settings(int connections, int allocations, int paceMs, int turnPaceMs, int warmupS, int durationS,
                    int sampleS, int drainS) {}

    /**
     * One row: the server's figures right after its forced full collection, the round trips completed since
     * the previous row's window (rates and percentiles), and the p99 of those completed during this row's
     * collection and the {@link #GC_WINDOW_MILLIS} after it, which the measurement itself slows down.
     */
    record Sample(long second, long heapBytes, long gcMillis, long fds, long threads, long rssBytes,
                  double roundTripsPerSecond, long sigP50Micros, long sigP99Micros, double echoesPerSecond,
                  long turnP50Micros, long turnP99Micros, long sigGcP99Micros, long turnGcP99Micros, long retransmits,
                  long errors, long stalled) {}

    /** Totals after the warm-up: {@code *Outside} without the forced collections' windows, {@code *All} with. */
    record Result(List<Sample> samples, double seconds, RttHistogram sigOutside, RttHistogram sigAll,
                  RttHistogram turnOutside, RttHistogram turnAll, long errors, String errorDetail, String firstError,
                  long unanswered, long lostEchoes, long leaks, double heapDrift, double fdDrift) {
        boolean passed() {
            return errors == 0 && Math.abs(heapDrift) <= DRIFT_LIMIT && Math.abs(fdDrift) <= DRIFT_LIMIT;
        }

        long roundTrips() {
            return sigAll.count();
        }

        long echoes() {
            return turnAll.count();
        }
    }

    /** The server's settings for a soak: TURN with a static user and the loopback peer allowed, every
     *  client from 127.0.0.1 let in. Signaling rate limits stay as shipped (50/s, burst 100 a connection). */
    static Map<String, String> serverEnv(Path dataDir, int httpPort, int turnPort) {
        return Map.ofEntries(
                Map.entry("SWITCHBOARD_BIND", "127.0.0.1"),
                Map.entry("SWITCHBOARD_DATA_DIR", dataDir.toString()),
                Map.entry("SWITCHBOARD_HTTP_PORT", Integer.toString(httpPort)),
                Map.entry("SWITCHBOARD_HTTPS_PORT", "0"),
                Map.entry("SWITCHBOARD_TURN_PORT", Integer.toString(turnPort)),
                Map.entry("SWITCHBOARD_HTTP_MAX_CONNECTIONS_PER_IP", "1000000"),
                Map.entry("SWITCHBOARD_SIGNALING_NEW_SESSIONS_PER_SECOND", "1000000"),
                Map.entry("SWITCHBOARD_SIGNALING_NEW_SESSION_BURST", "1000000"),
                Map.entry("SWITCHBOARD_TURN_USERS", TURN_USER + ":" + TURN_PASSWORD),
                Map.entry("SWITCHBOARD_TURN_ALLOW_PEERS", "127.0.0.1/32"),
                Map.entry("SWITCHBOARD_TURN_MAX_ALLOCATIONS_PER_USER", "1000000"),
                Map.entry("SWITCHBOARD_TURN_UNAUTHENTICATED_RATE", "1000000"),
                Map.entry("SWITCHBOARD_TURN_UNAUTHENTICATED_BURST", "1000000"),
                // Below the kernel's ephemeral range, so a relay port never collides with a client socket.
                Map.entry("SWITCHBOARD_TURN_RELAY_PORTS", "10000-29999"));
    }

    private SoakRun() {}

    static Result run(ServerProcess server, Path serverLog, int turnPort, Settings s, PrintStream out) throws Exception {
        try (EventLoops loops = new EventLoops(Runtime.getRuntime().availableProcessors())) {
            Load load = new Load(s.paceMs());
            List<BenchClient> clients = new ArrayList<>(s.connections());
            // Rooms of their own each run: a client of an earlier run closed without saying goodbye is a
            // session that may still come back (connection state recovery), so it keeps its seat a while.
            long run = RUNS.incrementAndGet();
            for (int i = 0; i < s.connections() / 2; i++) {
                clients.add(new BenchClient(BenchClient.Role.CALLER, "soak-" + run + "-" + i, load));
                clients.add(new BenchClient(BenchClient.Role.ANSWERER, "soak-" + run + "-" + i, load));
            }
            TurnLoad turn = new TurnLoad(loops, s.turnPaceMs(), TURN_USER, TURN_PASSWORD);
            try {
                long t0 = System.nanoTime();
                SignalingBench.connectAll(loops, server.port, clients);
                out.printf(Locale.ROOT, "%d signaling connections ready in %.1f s%n", clients.size(), (System.nanoTime() - t0) / 1e9);
                long trafficStart = System.nanoTime();
                load.running = true;
                load.measuring = true;
                for (BenchClient c : clients) {
                    c.start();
                }
                t0 = System.nanoTime();
                turn.start(new InetSocketAddress("127.0.0.1", turnPort), s.allocations());
                out.printf(Locale.ROOT, "%d TURN allocations bound in %.1f s%n", s.allocations(), (System.nanoTime() - t0) / 1e9);
                return measure(server, serverLog, s, load, clients, turn, trafficStart, out);
            } finally {
                load.draining = true;
                load.running = false;
                turn.close();
                SignalingBench.closeAll(clients);
            }
        }
    }

    private static Result measure(ServerProcess server, Path serverLog, Settings s, Load load, List<BenchClient> clients,
                                  TurnLoad turn, long trafficStart, PrintStream out) throws Exception {
        out.printf(Locale.ROOT, "warm-up %d s, then %d s sampled every %d s (the first row covers the warm-up)%n",
                s.warmupS(), s.durationS(), s.sampleS());
        out.println("| t s | heap after GC MiB | GC ms | open fds | threads | RSS MiB | round trips/s | signaling p50 ms "
                + "| signaling p99 ms | TURN echoes/s | TURN p50 ms | TURN p99 ms | signaling / TURN p99 in GC window ms "
                + "| TURN retransmissions | errors | stalled pairs |");
        out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        RttHistogram sigOutside = new RttHistogram();
        RttHistogram sigAll = new RttHistogram();
        RttHistogram turnOutside = new RttHistogram();
        RttHistogram turnAll = new RttHistogram();
        List<Sample> samples = new ArrayList<>();
        Thread.sleep(s.warmupS() * 1000L);
        long start = System.nanoTime();
        long last = trafficStart;
        while (true) {
            long now = System.nanoTime();
            double seconds = (now - last) / 1e9;
            // The warm-up's round trips are shown in the first row but kept out of the totals.
            boolean warmup = samples.isEmpty();
            RttHistogram sig = load.rtt.drainInto(warmup ? new RttHistogram() : sigOutside);
            RttHistogram echo = turn.rtt.drainInto(warmup ? new RttHistogram() : turnOutside);
            long stalled = 0;
            for (BenchClient c : clients) {
                long at = c.sentAt();
                if (c.role == BenchClient.Role.CALLER && at != 0 && now - at > STALL_NANOS) {
                    stalled++;
                }
            }
            long gc0 = System.nanoTime();
            long heap = server.liveHeapBytes();
            long gcMillis = (System.nanoTime() - gc0) / 1_000_000;
            long fds = openFiles(server.pid());
            long threads = threads(server.pid());
            long rss = server.rssBytes();
            Thread.sleep(GC_WINDOW_MILLIS);
            last = System.nanoTime();
            RttHistogram sigGc = load.rtt.drainInto(new RttHistogram());
            RttHistogram echoGc = turn.rtt.drainInto(new RttHistogram());
            if (!warmup) {
                sigAll.add(sig);
                sigAll.add(sigGc);
                turnAll.add(echo);
                turnAll.add(echoGc);
            }
            Sample sample = new Sample(Math.round((now - start) / 1e9), heap, gcMillis, fds, threads, rss,
                    sig.count() / seconds, sig.percentileMicros(0.50), sig.percentileMicros(0.99), echo.count() / seconds,
                    echo.percentileMicros(0.50), echo.percentileMicros(0.99), sigGc.percentileMicros(0.99),
                    echoGc.percentileMicros(0.99), turn.retransmits.sum(), errors(load, turn), stalled);
            samples.add(sample);
            out.printf(Locale.ROOT, "| %d | %.1f | %d | %d | %d | %.0f | %.0f | %.2f | %.2f | %.0f | %.2f | %.2f | %.0f / %.0f "
                            + "| %d | %d | %d |%n",
                    sample.second(), sample.heapBytes() / 1048576.0, sample.gcMillis(), sample.fds(), sample.threads(),
                    sample.rssBytes() / 1048576.0, sample.roundTripsPerSecond(), sample.sigP50Micros() / 1000.0,
                    sample.sigP99Micros() / 1000.0, sample.echoesPerSecond(), sample.turnP50Micros() / 1000.0,
                    sample.turnP99Micros() / 1000.0, sample.sigGcP99Micros() / 1000.0,
                    sample.turnGcP99Micros() / 1000.0, sample.retransmits(), sample.errors(), sample.stalled());
            if (!server.alive()) {
                throw new IllegalStateException("the server exited during the soak");
            }
            long elapsed = System.nanoTime() - start;
            if (elapsed >= TimeUnit.SECONDS.toNanos(s.durationS()) - TimeUnit.MILLISECONDS.toNanos(500)) {
                break;
            }
            long next = start + TimeUnit.SECONDS.toNanos((long) s.sampleS() * samples.size());
            TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime()));
        }
        double seconds = (samples.get(samples.size() - 1).second());
        load.draining = true;
        turn.sending = false;
        Thread.sleep(s.drainS() * 1000L);
        long unanswered = 0;
        for (BenchClient c : clients) {
            if (c.role == BenchClient.Role.CALLER && c.sentAt() != 0) {
                unanswered++;
            }
        }
        long lost = turn.outstanding();
        long leaks = countLines(serverLog, "LEAK:");
        long serverErrors = countLines(serverLog, " ERROR ");
        long serverWarnings = countLines(serverLog, " WARN ");
        long errors = errors(load, turn) + unanswered + lost + leaks + serverErrors;
        String detail = String.format(Locale.ROOT, "signaling: error events %d, unexpected closes %d, connection "
                        + "exceptions %d, round trips unanswered at the end %d; TURN: error answers %d, request timeouts %d, "
                        + "bad datagrams/exceptions %d, echoes lost %d (sent %d, echoed %d, out of order %d), requests %d, "
                        + "retransmissions %d; server log: LEAK %d, ERROR lines %d (WARN lines %d, not counted)",
                load.errors.sum(), load.unexpectedCloses.sum(), load.failures.sum(), unanswered, turn.errorAnswers.sum(),
                turn.timeouts.sum(), turn.failures.sum(), lost, turn.sent.sum(), turn.echoed.sum(), turn.reordered.sum(),
                turn.requests.sum(), turn.retransmits.sum(), leaks, serverErrors, serverWarnings);
        Sample a = samples.get(0);
        Sample z = samples.get(samples.size() - 1);
        String firstError = load.firstError != null ? load.firstError : turn.firstError;
        return new Result(samples, seconds, sigOutside, sigAll, turnOutside, turnAll, errors, detail, firstError,
                unanswered, lost, leaks, drift(a.heapBytes(), z.heapBytes()), drift(a.fds(), z.fds()));
    }

    static void printVerdict(Settings s, Result r, PrintStream out) {
        Sample a = r.samples().get(0);
        Sample z = r.samples().get(r.samples().size() - 1);
        out.printf(Locale.ROOT, "%nmeasured %.0f s after warm-up: %d signaling round trips (%.0f/s, %.0f relayed "
                        + "messages/s; offered: %d pairs x 1 per %d ms + RTT, at most %.0f/s)%n",
                r.seconds(), r.roundTrips(), r.roundTrips() / r.seconds(), 2 * r.roundTrips() / r.seconds(),
                s.connections() / 2, s.paceMs(), s.connections() / 2 * 1000.0 / s.paceMs());
        out.printf(Locale.ROOT, "  round trip p50 %.2f ms, p99 %.2f ms, max bucket %.2f ms; outside the forced-GC windows: "
                        + "p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms%n",
                ms(r.sigAll(), 0.50), ms(r.sigAll(), 0.99), ms(r.sigAll(), 1.0), ms(r.sigOutside(), 0.50),
                ms(r.sigOutside(), 0.99), ms(r.sigOutside(), 0.999));
        out.printf(Locale.ROOT, "TURN: %d echoes (%.0f/s, each relayed twice; offered: %d allocations x 1 per %d ms)%n",
                r.echoes(), r.echoes() / r.seconds(), s.allocations(), s.turnPaceMs());
        out.printf(Locale.ROOT, "  echo p50 %.2f ms, p99 %.2f ms, max bucket %.2f ms; outside the forced-GC windows: "
                        + "p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms%n",
                ms(r.turnAll(), 0.50), ms(r.turnAll(), 0.99), ms(r.turnAll(), 1.0), ms(r.turnOutside(), 0.50),
                ms(r.turnOutside(), 0.99), ms(r.turnOutside(), 0.999));
        out.printf(Locale.ROOT, "heap after GC %.1f -> %.1f MiB (%+.1f %%), open fds %d -> %d (%+.1f %%), "
                        + "threads %d -> %d, RSS %.0f -> %.0f MiB%n",
                a.heapBytes() / 1048576.0, z.heapBytes() / 1048576.0, 100 * r.heapDrift(), a.fds(), z.fds(),
                100 * r.fdDrift(), a.threads(), z.threads(), a.rssBytes() / 1048576.0, z.rssBytes() / 1048576.0);
        out.println("errors: " + r.errors() + " (" + r.errorDetail() + ")");
        if (r.firstError() != null) {
            out.println("first error: " + r.firstError());
        }
        out.printf(Locale.ROOT, "verdict: %s (heap and fds within %.0f %% of the first sample, 0 errors)%n",
                r.passed() ? "PASS" : "FAIL", 100 * DRIFT_LIMIT);
    }

    private static double ms(RttHistogram h, double q) {
        return h.percentileMicros(q) / 1000.0;
    }

    private static long errors(Load load, TurnLoad turn) {
        return load.errors.sum() + load.unexpectedCloses.sum() + load.failures.sum() + turn.errorAnswers.sum()
                + turn.timeouts.sum() + turn.failures.sum();
    }

    private static double drift(long first, long last) {
        return first == 0 ? 0 : (last - first) / (double) first;
    }

    static long openFiles(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        }
    }

    static long threads(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("Threads:")) {
                return Long.parseLong(line.substring(8).trim());
            }
        }
        return -1;
    }

    static long countLines(Path log, String needle) throws IOException {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.filter(l -> l.contains(needle)).count();
        }
    }
}
