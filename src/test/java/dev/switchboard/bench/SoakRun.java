package dev.switchboard.bench;

import dev.switchboard.net.EventLoops;
import io.netty.channel.Channel;
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
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Growth allowed between the first sample after warm-up and the last one. */
    static final double DRIFT_LIMIT = 0.10;

    record Settings(int connections, int allocations, int paceMs, int turnPaceMs, int warmupS, int durationS,
                    int sampleS, int drainS) {}

    record Sample(long second, long heapBytes, long fds, long threads, long rssBytes, double roundTripsPerSecond,
                  long sigP50Micros, long sigP99Micros, double echoesPerSecond, long turnP50Micros,
                  long turnP99Micros, long errors, long stalled) {}

    record Result(List<Sample> samples, double seconds, long roundTrips, long sigP50Micros, long sigP99Micros,
                  long sigMaxMicros, long echoes, long turnP50Micros, long turnP99Micros, long turnMaxMicros,
                  long errors, String errorDetail, String firstError, long unanswered, long lostEchoes, long leaks,
                  double heapDrift, double fdDrift) {
        boolean passed() {
            return errors == 0 && Math.abs(heapDrift) <= DRIFT_LIMIT && Math.abs(fdDrift) <= DRIFT_LIMIT;
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
            for (int i = 0; i < s.connections() / 2; i++) {
                clients.add(new BenchClient(BenchClient.Role.CALLER, "soak-" + i, load));
                clients.add(new BenchClient(BenchClient.Role.ANSWERER, "soak-" + i, load));
            }
            TurnLoad turn = new TurnLoad(loops, s.turnPaceMs(), TURN_USER, TURN_PASSWORD);
            try {
                long t0 = System.nanoTime();
                SignalingBench.connectAll(loops, server.port, clients);
                out.printf(Locale.ROOT, "%d signaling connections ready in %.1f s%n", clients.size(), (System.nanoTime() - t0) / 1e9);
                load.running = true;
                load.measuring = true;
                for (BenchClient c : clients) {
                    c.start();
                }
                t0 = System.nanoTime();
                turn.start(new InetSocketAddress("127.0.0.1", turnPort), s.allocations());
                out.printf(Locale.ROOT, "%d TURN allocations bound in %.1f s%n", s.allocations(), (System.nanoTime() - t0) / 1e9);
                return measure(server, serverLog, s, load, clients, turn, out);
            } finally {
                load.draining = true;
                load.running = false;
                turn.close();
                closeAll(clients);
            }
        }
    }

    private static Result measure(ServerProcess server, Path serverLog, Settings s, Load load, List<BenchClient> clients,
                                  TurnLoad turn, PrintStream out) throws Exception {
        out.printf(Locale.ROOT, "warm-up %d s, then %d s sampled every %d s%n", s.warmupS(), s.durationS(), s.sampleS());
        out.println("| t s | heap after GC MiB | open fds | threads | RSS MiB | round trips/s | signaling p50 ms "
                + "| signaling p99 ms | TURN echoes/s | TURN p50 ms | TURN p99 ms | errors so far | stalled pairs |");
        out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        RttHistogram sigTotal = new RttHistogram();
        RttHistogram turnTotal = new RttHistogram();
        List<Sample> samples = new ArrayList<>();
        Thread.sleep(s.warmupS() * 1000L);
        long start = System.nanoTime();
        long last = start;
        boolean first = true;
        while (true) {
            long now = System.nanoTime();
            double seconds = (now - last) / 1e9;
            last = now;
            // The warm-up's round trips are shown in the first row but kept out of the totals.
            RttHistogram sig = load.rtt.drainInto(first ? new RttHistogram() : sigTotal);
            RttHistogram echo = turn.rtt.drainInto(first ? new RttHistogram() : turnTotal);
            if (first) {
                seconds = s.warmupS();
            }
            first = false;
            long stalled = 0;
            for (BenchClient c : clients) {
                long at = c.sentAt();
                if (c.role == BenchClient.Role.CALLER && at != 0 && now - at > STALL_NANOS) {
                    stalled++;
                }
            }
            Sample sample = new Sample(Math.round((now - start) / 1e9), server.liveHeapBytes(), openFiles(server.pid()),
                    threads(server.pid()), server.rssBytes(), sig.count() / seconds, sig.percentileMicros(0.50),
                    sig.percentileMicros(0.99), echo.count() / seconds, echo.percentileMicros(0.50),
                    echo.percentileMicros(0.99), errors(load, turn), stalled);
            samples.add(sample);
            out.printf(Locale.ROOT, "| %d | %.1f | %d | %d | %.0f | %.0f | %.2f | %.2f | %.0f | %.2f | %.2f | %d | %d |%n",
                    sample.second(), sample.heapBytes() / 1048576.0, sample.fds(), sample.threads(),
                    sample.rssBytes() / 1048576.0, sample.roundTripsPerSecond(), sample.sigP50Micros() / 1000.0,
                    sample.sigP99Micros() / 1000.0, sample.echoesPerSecond(), sample.turnP50Micros() / 1000.0,
                    sample.turnP99Micros() / 1000.0, sample.errors(), sample.stalled());
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
        double seconds = (System.nanoTime() - start) / 1e9;
        load.draining = true;
        turn.sending = false;
        Thread.sleep(s.drainS() * 1000L);
        sigTotal.add(load.rtt);
        turnTotal.add(turn.rtt);
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
        return new Result(samples, seconds, sigTotal.count(), sigTotal.percentileMicros(0.50),
                sigTotal.percentileMicros(0.99), sigTotal.percentileMicros(1.0), turnTotal.count(),
                turnTotal.percentileMicros(0.50), turnTotal.percentileMicros(0.99), turnTotal.percentileMicros(1.0),
                errors, detail, firstError, unanswered, lost, leaks, drift(a.heapBytes(), z.heapBytes()),
                drift(a.fds(), z.fds()));
    }

    static void printVerdict(Settings s, Result r, PrintStream out) {
        Sample a = r.samples().get(0);
        Sample z = r.samples().get(r.samples().size() - 1);
        out.printf(Locale.ROOT, "%nmeasured %.0f s after warm-up: %d signaling round trips (%.0f/s, %.0f relayed "
                        + "messages/s; offered: %d pairs x 1 per %d ms + RTT), p50 %.2f ms, p99 %.2f ms, max bucket %.2f ms%n",
                r.seconds(), r.roundTrips(), r.roundTrips() / r.seconds(), 2 * r.roundTrips() / r.seconds(),
                s.connections() / 2, s.paceMs(), r.sigP50Micros() / 1000.0, r.sigP99Micros() / 1000.0,
                r.sigMaxMicros() / 1000.0);
        out.printf(Locale.ROOT, "TURN: %d echoes (%.0f/s, each relayed twice; offered: %d allocations x 1 per %d ms), "
                        + "p50 %.2f ms, p99 %.2f ms, max bucket %.2f ms%n",
                r.echoes(), r.echoes() / r.seconds(), s.allocations(), s.turnPaceMs(), r.turnP50Micros() / 1000.0,
                r.turnP99Micros() / 1000.0, r.turnMaxMicros() / 1000.0);
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

    private static void closeAll(List<BenchClient> clients) throws InterruptedException {
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
}
