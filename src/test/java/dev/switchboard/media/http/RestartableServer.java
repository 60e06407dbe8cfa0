package dev.switchboard.media.http;

import dev.switchboard.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A test server whose data directory outlives it: stopped and started again on the same directory, as
 * across a restart or a crash. {@link #close} stops it and deletes the directory. Test thread only.
 */
final class RestartableServer implements AutoCloseable {
    private final String prefix;
    private TestServer server;
    private Path dataDir;

    /** {@code prefix} names the temporary data directory. */
    RestartableServer(String prefix) {
        this.prefix = prefix;
    }

    /** Starts a server with {@code settings} on the shared data directory (made at the first start). */
    Http start(Map<String, Object> settings) throws IOException {
        if (dataDir == null) {
            dataDir = Files.createTempDirectory(prefix);
        }
        Map<String, Object> o = new HashMap<>(settings);
        o.put("data-dir", dataDir.toString());
        server = TestServer.start(o);
        return new Http(server.url());
    }

    /** Stops the running server; the data directory stays. */
    void stop() {
        server.close();
        server = null;
    }

    Http restart(Map<String, Object> settings) throws IOException {
        stop();
        return start(settings);
    }

    Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        if (dataDir != null) {
            TestServer.deleteTree(dataDir); // the directory every start shared
        }
    }
}
