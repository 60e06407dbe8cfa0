package dev.switchboard.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's nginx as a child process on a loopback port, in front of Switchboard nodes: the project's own
 * {@code deploy/nginx-locations.inc} in the server block, and an upstream block built from
 * {@code deploy/nginx-cluster.conf} (its directives, its server lines pointed at the test's nodes), so
 * the shipped rules are what is tested. Files and temp paths in a temporary prefix; stopped by its PID.
 */
public final class NginxServer implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/sbin/nginx");
    public static final Path LOCATIONS = Path.of("deploy/nginx-locations.inc").toAbsolutePath();
    public static final Path CLUSTER_CONF = Path.of("deploy/nginx-cluster.conf").toAbsolutePath();

    private final Path prefix;
    private final int port;
    private final Process process;

    private NginxServer(Path prefix, int port, Process process) {
        this.prefix = prefix;
        this.port = port;
        this.process = process;
    }

    /** Null when nginx is installed; else why tests that need it must skip. */
    public static String unavailable() {
        return Files.isExecutable(BINARY) ? null : "nginx is not installed (scripts/test.sh installs it)";
    }

    /**
     * The body of {@code upstream switchboard} in {@code conf}, its {@code server} lines (in order) aimed at
     * {@code ports} on 127.0.0.1 with their parameters kept; server lines beyond the ports are dropped.
     */
    public static String upstreamFrom(Path conf, List<Integer> ports) throws IOException {
        StringBuilder out = new StringBuilder();
        boolean inside = false;
        int next = 0;
        for (String line : Files.readAllLines(conf)) {
            String t = line.trim();
            if (!inside) {
                inside = t.startsWith("upstream switchboard");
                continue;
            }
            if (t.equals("}")) {
                break;
            }
            if (t.startsWith("server ")) {
                if (next < ports.size()) {
                    String[] words = t.split("\\s+", 3);
                    out.append("server 127.0.0.1:").append(ports.get(next++))
                            .append(words.length > 2 ? " " + words[2] : ";").append('\n');
                }
            } else if (!t.startsWith("#") && !t.isEmpty()) {
                out.append(t).append('\n');
            }
        }
        if (next != ports.size()) {
            throw new IOException(conf + " has no upstream switchboard with " + ports.size() + " server lines");
        }
        return out.toString();
    }

    /** Starts nginx on {@code port} with {@code upstream} as the body of the upstream block. */
    public static NginxServer start(int port, String upstream) throws IOException, InterruptedException {
        Path prefix = Files.createTempDirectory("switchboard-nginx");
        Files.createDirectories(prefix.resolve("tmp"));
        boolean root = "root".equals(System.getProperty("user.name"));
        String conf = (root ? "user root;\n" : "") + """
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 4096; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/tmp/body;
                    proxy_temp_path %1$s/tmp/proxy;
                    fastcgi_temp_path %1$s/tmp/fastcgi;
                    uwsgi_temp_path %1$s/tmp/uwsgi;
                    scgi_temp_path %1$s/tmp/scgi;
                    map $http_upgrade $connection_upgrade {
                        default upgrade;
                        ''      close;
                    }
                    upstream switchboard {
                %2$s    }
                    server {
                        listen 127.0.0.1:%3$d;
                        include %4$s;
                    }
                }
                """.formatted(prefix, upstream.indent(8), port, LOCATIONS);
        Path file = prefix.resolve("nginx.conf");
        Files.writeString(file, conf);
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "-p", prefix.toString(), "-c",
                file.toString(), "-g", "daemon off;"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(prefix.resolve("stdout.log").toFile()).start();
        NginxServer n = new NginxServer(prefix, port, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return n;
            } catch (IOException notYet) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    String why = Files.readString(prefix.resolve("stdout.log"))
                            + (Files.exists(prefix.resolve("error.log")) ? Files.readString(prefix.resolve("error.log")) : "");
                    n.close();
                    throw new IOException("nginx did not start: " + why);
                }
                Thread.sleep(20);
            }
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** What nginx logged (warnings and errors), for failure messages. */
    public String errors() throws IOException {
        Path log = prefix.resolve("error.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy(); // SIGTERM: fast shutdown of master and workers
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        TestServer.deleteTree(prefix);
    }
}
