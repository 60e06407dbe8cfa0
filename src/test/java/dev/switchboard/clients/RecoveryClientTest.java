package dev.switchboard.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.TestServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runs src/test/js/socketio-recovery.test.mjs: connection state recovery with the official npm
 * socket.io-client 4.8 against a real server whose recovery window is short enough to outwait.
 */
@Tag("external")
class RecoveryClientTest {
    private static final int WINDOW_MS = 2000;
    private static final int MAX_PACKETS = 40;

    @Test
    void officialClientRecoversWithinTheWindowAndStartsAfreshAfterIt() throws Exception {
        Path root = Path.of(System.getProperty("project.basedir", "."));
        try (TestServer server = TestServer.start(Map.of("signaling.recovery-window", WINDOW_MS + "ms",
                "signaling.recovery-max-packets", MAX_PACKETS))) {
            Path log = root.resolve("target/node-recovery-test.log");
            ProcessBuilder pb = new ProcessBuilder("node", "--test", "--test-reporter=spec",
                    "src/test/js/socketio-recovery.test.mjs")
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().put("SB_URL", server.url());
            pb.environment().put("SB_WINDOW_MS", Integer.toString(WINDOW_MS));
            pb.environment().put("SB_MAX_PACKETS", Integer.toString(MAX_PACKETS));
            Process p = pb.start();
            boolean done = p.waitFor(120, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            System.out.println(out);
            assertThat(done).as("node finished in time").isTrue();
            assertThat(out).containsPattern("(?m)^\\S+ fail 0$").containsPattern("(?m)^\\S+ pass [1-9][0-9]*$");
            assertThat(p.exitValue()).as(out).isZero();
        }
    }
}
