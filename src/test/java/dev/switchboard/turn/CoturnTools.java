package dev.switchboard.turn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs coturn's command-line clients, always under a timeout (they have none of their own). */
final class CoturnTools {
    private CoturnTools() {}

    static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/turnutils_uclient")) && Files.isExecutable(Path.of("/usr/bin/timeout"));
    }

    /** Runs {@code tool args} and returns stdout and stderr together. */
    static String run(int timeoutSeconds, String tool, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("timeout", "-k", "2", Integer.toString(timeoutSeconds), tool));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds + 5L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** A UDP echo peer on 127.0.0.1:port until closed. */
    static AutoCloseable peer(int port) throws IOException {
        return peer("127.0.0.1", port);
    }

    /** turnutils_peer echoing on {@code address}:{@code port}; returns once its socket is bound. */
    static AutoCloseable peer(String address, int port) throws IOException {
        Process p = new ProcessBuilder("timeout", "-k", "2", "300", "turnutils_peer", "-L", address, "-p",
                Integer.toString(port)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        AutoCloseable stop = () -> {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            p.waitFor(5, TimeUnit.SECONDS);
        };
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!udpBound(port)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                closeQuietly(stop);
                throw new IOException("turnutils_peer did not bind " + address + ":" + port);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closeQuietly(stop);
                throw new IOException("interrupted while turnutils_peer started", e);
            }
        }
        return stop;
    }

    /**
     * Whether a UDP socket on this host is bound to {@code port}, read from the kernel's socket tables
     * (binding a probe socket to find out could take the port from the peer at the wrong moment).
     */
    private static boolean udpBound(int port) throws IOException {
        String local = String.format(":%04X ", port);
        for (String table : List.of("/proc/net/udp", "/proc/net/udp6")) {
            Path path = Path.of(table);
            if (Files.exists(path) && Files.readAllLines(path).stream()
                    .map(line -> line.trim().split("\\s+"))
                    .anyMatch(cols -> cols.length > 1 && (cols[1] + " ").endsWith(local))) {
                return true;
            }
        }
        return false;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // the peer is being given up on anyway
        }
    }

    /** What uclient reports at the end of a run. */
    record Totals(long sent, long received, long lost) {}

    static Totals totals(String output) {
        Matcher m = Pattern.compile("start_mclient: tot_send_msgs=(\\d+), tot_recv_msgs=(\\d+)\\s").matcher(output);
        long sent = -1;
        long received = -1;
        while (m.find()) {
            sent = Long.parseLong(m.group(1));
            received = Long.parseLong(m.group(2));
        }
        Matcher lost = Pattern.compile("Total lost packets (\\d+)").matcher(output);
        long l = -1;
        while (lost.find()) {
            l = Long.parseLong(lost.group(1));
        }
        return new Totals(sent, received, l);
    }
}
