package dev.switchboard.bench;

import dev.switchboard.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The soak: the Switchboard jar as its own process on loopback, {@code --connections} signaling
 * clients in pairs ({@code --connections}/2 codelab rooms, one round trip per pair every
 * {@code --pace-ms} plus its round-trip time) and {@code --allocations} TURN allocations each relaying one
 * 16-byte datagram every {@code --turn-pace-ms} to an echo peer and back, for {@code --minutes} after
 * {@code --warmup-s}; a sample every {@code --sample-s} (see {@link SoakRun}). Prints the samples as a
 * table and a verdict: heap after GC and open files of the last sample within 10 % of the first, 0
 * errors; exits 1 when it fails. Run by {@code bench/soak.sh}. Bounded: fixed durations, loopback only.
 */
public final class SoakBench {
    private SoakBench() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        opts.put("connections", "10000");
        opts.put("allocations", "1000");
        opts.put("pace-ms", "1000");
        opts.put("turn-pace-ms", "1000");
        opts.put("minutes", "10");
        // Longer than signaling.recovery-window (2 min): each session keeps what it was sent that long for
        // its client's reconnect, so the heap grows for one window before it is flat.
        opts.put("warmup-s", "150");
        opts.put("sample-s", "30");
        opts.put("drain-s", "5");
        opts.put("jar", "target/switchboard.jar");
        opts.put("server-jvm-opts", "-Xmx1g");
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--") || !opts.containsKey(args[i].substring(2))) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; known: " + opts.keySet());
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        SoakRun.Settings s = new SoakRun.Settings(Integer.parseInt(opts.get("connections")),
                Integer.parseInt(opts.get("allocations")), Integer.parseInt(opts.get("pace-ms")),
                Integer.parseInt(opts.get("turn-pace-ms")), Integer.parseInt(opts.get("warmup-s")),
                (int) Math.round(Double.parseDouble(opts.get("minutes")) * 60), Integer.parseInt(opts.get("sample-s")),
                Integer.parseInt(opts.get("drain-s")));
        System.out.printf(Locale.ROOT, "soak: %d signaling connections in %d rooms (a round trip per pair every %d ms),"
                        + " %d TURN allocations (a datagram every %d ms), %d s after %d s warm-up; server %s %s%n",
                s.connections(), s.connections() / 2, s.paceMs(), s.allocations(), s.turnPaceMs(), s.durationS(),
                s.warmupS(), opts.get("server-jvm-opts"), opts.get("jar"));
        Path work = Files.createTempDirectory("sb-soak");
        int httpPort = TestServer.freePort();
        int turnPort = TestServer.freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add("java");
        for (String o : opts.get("server-jvm-opts").split(" ")) {
            if (!o.isBlank()) {
                cmd.add(o);
            }
        }
        cmd.addAll(List.of("-jar", opts.get("jar")));
        Path log = work.resolve("switchboard.log");
        boolean passed;
        try (ServerProcess server = ServerProcess.start(ServerProcess.Kind.SWITCHBOARD, "switchboard", cmd,
                SoakRun.serverEnv(Files.createDirectories(work.resolve("data")), httpPort, turnPort), httpPort, log)) {
            System.out.println("started " + server);
            SoakRun.Result r = SoakRun.run(server, log, turnPort, s, System.out);
            SoakRun.printVerdict(s, r, System.out);
            passed = r.passed();
        }
        System.exit(passed ? 0 : 1);
    }
}
