package dev.switchboard.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server under test, run as its own process: started, waited for, measured through /proc (CPU
 * ticks, resident set) and through its runtime (live heap), and stopped.
 */
public final class ServerProcess implements AutoCloseable {
    enum Kind { SWITCHBOARD, NODE }

    final Kind kind;
    final String name;
    final int port;
    private final Process process;
    private final Path log;

    private ServerProcess(Kind kind, String name, int port, Process process, Path log) {
        this.kind = kind;
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    static ServerProcess start(Kind kind, String name, List<String> command, Map<String, String> env, int port,
                               Path log) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        ServerProcess s = new ServerProcess(kind, name, port, pb.start(), log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!s.process.isAlive()) {
                throw new IOException(name + " exited at start; log: " + Files.readString(log));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return s;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        s.close();
        throw new IOException(name + " did not listen on " + port + " within 60 s");
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** CPU time of the process so far, in clock ticks: user and system (/proc/PID/stat fields 14, 15). */
    public record Cpu(long user, long system) {
        public long total() {
            return user + system;
        }
    }

    Cpu cpu() throws IOException {
        return cpuOf(Path.of("/proc", Long.toString(pid()), "stat"));
    }

    public static Cpu cpuOf(Path stat) throws IOException {
        return parseStat(Files.readString(stat));
    }

    /** Parses a /proc/PID/stat line; the command name (field 2) may hold spaces and parentheses. */
    static Cpu parseStat(String s) {
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        // f[0] is field 3 (state), so utime (field 14) is f[11] and stime (field 15) is f[12].
        return new Cpu(Long.parseLong(f[11]), Long.parseLong(f[12]));
    }

    /** VmRSS from /proc/PID/status, in bytes. */
    long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for " + pid());
    }

    /**
     * Live heap bytes after a full collection. Switchboard: the total of {@code jcmd PID
     * GC.class_histogram} (which collects first). Node: {@code heapUsed} of the server's /mem route,
     * which calls {@code global.gc()} first.
     */
    long liveHeapBytes() throws IOException, InterruptedException {
        if (kind == Kind.SWITCHBOARD) {
            Process p = new ProcessBuilder("jcmd", Long.toString(pid()), "GC.class_histogram")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(60, TimeUnit.SECONDS);
            Matcher m = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)").matcher(out);
            if (!m.find()) {
                throw new IOException("no Total in jcmd output: " + out.lines().limit(5).toList());
            }
            return Long.parseLong(m.group(1));
        }
        HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/mem")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("\"heapUsed\":(\\d+)").matcher(r.body());
        if (!m.find()) {
            throw new IOException("bad /mem answer: " + r.body());
        }
        return Long.parseLong(m.group(1));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ", log " + log + ")";
    }
}
