package dev.switchboard.media;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real server as a child process: the JDK's own {@code java} running {@code dev.switchboard.Main}
 * with this build's class path (what target/switchboard.jar holds; the jar itself is only built after
 * the tests), configured through SWITCHBOARD_* variables, optionally behind a {@code prefix} command
 * (e.g. {@code unshare -m sh -c ...}; it must exec the server so the PID is the server's). Ready when
 * {@code /healthz} answers. {@link #kill} is kill -9; {@link #close} a normal stop, by PID.
 */
public final class ServerChild implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private ServerChild(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * The server command line: java, the class path, the main class; or {@code java -jar JAR} when the
     * system property {@code server.jar} names one (to run a harness against another build).
     */
    public static List<String> javaCommand() {
        String jar = System.getProperty("server.jar", "");
        if (!jar.isEmpty()) {
            return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-XX:TieredStopAtLevel=1", "-jar", jar);
        }
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "dev.switchboard.Main");
    }

    public static ServerChild start(List<String> command, Path dataDir, int port, Map<String, String> settings, Path log)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = pb.environment();
        env.put("SWITCHBOARD_DATA_DIR", dataDir.toString());
        env.put("SWITCHBOARD_HTTP_PORT", Integer.toString(port));
        env.put("SWITCHBOARD_BIND", "127.0.0.1");
        env.put("SWITCHBOARD_TURN_PORT", "0");
        env.putAll(settings);
        ServerChild c = new ServerChild(pb.start(), port, log);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (!c.process.isAlive()) {
                throw new IOException("the server exited at start (" + c.process.exitValue() + "); log " + log + ":\n"
                        + tail(log));
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(c.url() + "/healthz"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return c;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                c.kill();
                throw new IOException("the server did not answer /healthz within 60 s; log:\n" + tail(log));
            }
            Thread.sleep(50);
        }
    }

    public static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    /** kill -9, and wait until the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    static List<String> with(List<String> prefix) {
        List<String> c = new ArrayList<>(prefix);
        c.addAll(javaCommand());
        return c;
    }
}
