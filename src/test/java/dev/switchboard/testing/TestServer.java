package dev.switchboard.testing;

import dev.switchboard.Switchboard;
import dev.switchboard.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real Switchboard on loopback with free ports and a fresh data dir, for tests. Settings are config
 * keys as on the command line ("http.port", "signaling.room-capacity", ...). The fresh data dir is
 * deleted when the server closes, unless the test calls {@link #keepDataDir()}; a dir given as
 * "data-dir" belongs to the caller and is left alone unless the test calls {@link #deleteDataDirOnClose()}.
 */
public final class TestServer implements AutoCloseable {
    private final Switchboard server;
    private final Path dataDir;
    private volatile boolean deleteDataDir;

    private TestServer(Switchboard server, Path dataDir, boolean deleteDataDir) {
        this.server = server;
        this.dataDir = dataDir;
        this.deleteDataDir = deleteDataDir;
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
            boolean fresh = !settings.containsKey("data-dir");
            Path dir = fresh ? Files.createTempDirectory("switchboard-test") : Path.of(settings.get("data-dir").toString());
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
                if (fresh) {
                    deleteTree(dir);
                }
                throw e;
            }
            return new TestServer(s, dir, fresh);
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

    /** Keeps the data dir after {@link #close()} (to start another server on it, or to look inside). */
    public TestServer keepDataDir() {
        deleteDataDir = false;
        return this;
    }

    /** Deletes the data dir on {@link #close()} even though it was given as "data-dir". */
    public TestServer deleteDataDirOnClose() {
        deleteDataDir = true;
        return this;
    }

    /** Stops the server, then deletes its data dir (see {@link #keepDataDir()}). */
    @Override
    public void close() {
        try {
            server.close();
        } finally {
            if (deleteDataDir) {
                deleteTree(dataDir);
            }
        }
    }

    /** Deletes {@code dir} and everything in it, as far as it can: a file that cannot go is left. */
    public static void deleteTree(Path dir) {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(dir)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList();
        } catch (IOException | UncheckedIOException e) {
            return;
        }
        for (Path p : paths) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // left behind: a test's cleanup never fails the test
            }
        }
    }
}
