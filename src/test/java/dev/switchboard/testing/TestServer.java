package dev.switchboard.testing;

import dev.switchboard.Switchboard;
import dev.switchboard.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A real Switchboard on loopback with free ports and a fresh data dir, for tests. Settings are config
 * keys as on the command line ("http.port", "signaling.room-capacity", ...).
 */
public final class TestServer implements AutoCloseable {
    private final Switchboard server;
    private final Path dataDir;

    private TestServer(Switchboard server, Path dataDir) {
        this.server = server;
        this.dataDir = dataDir;
    }

    public static TestServer start(Map<String, Object> settings) {
        // A port found free can be taken before we bind it (relay sockets share the ephemeral range):
        // pick new ports and try again.
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(settings);
            } catch (java.io.UncheckedIOException | IllegalStateException e) {
                boolean busy = String.valueOf(e.getCause()).contains("Address already in use")
                        || String.valueOf(e.getMessage()).contains("Address already in use");
                if (!busy || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    private static TestServer startOnce(Map<String, Object> settings) {
        try {
            Path dir = settings.containsKey("data-dir") ? Path.of(settings.get("data-dir").toString())
                    : Files.createTempDirectory("switchboard-test");
            Map<String, Object> o = new HashMap<>();
            o.put("bind", "127.0.0.1");
            o.put("http.port", freePort());
            o.put("turn.port", freePort());
            o.put("https.port", 0);
            o.put("data-dir", dir.toString());
            o.putAll(settings);
            Switchboard s = new Switchboard(ConfigLoader.load(null, Map.of(), o));
            try {
                s.start();
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
            return new TestServer(s, dir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A TCP and UDP port that is free on 127.0.0.1 right now (port 0 disables a listener in our config,
     * so tests pick free ports instead).
     */
    public static int freePort() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (java.net.ServerSocket tcp = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                int port = tcp.getLocalPort();
                try (java.net.DatagramSocket udp = new java.net.DatagramSocket(port, java.net.InetAddress.getLoopbackAddress())) {
                    return port;
                } catch (IOException busy) {
                    // the UDP side is taken: try another
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free port found");
    }

    public static TestServer start() {
        return start(Map.of());
    }

    public Switchboard server() {
        return server;
    }

    public int httpPort() {
        return server.httpAddress().getPort();
    }

    /** The bound STUN/TURN port (UDP and TCP), or 0 when disabled with "turn.port" = 0. */
    public int turnPort() {
        return server.turnPort();
    }

    /** http://127.0.0.1:PORT (no trailing slash). */
    public String url() {
        return "http://127.0.0.1:" + httpPort();
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        server.close();
    }
}
