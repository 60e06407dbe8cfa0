package dev.switchboard.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.ConformanceFixture;
import dev.switchboard.testing.TestServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runs src/test/js/socketio-client.test.mjs (the official npm socket.io-client 4.8 as a black box) with
 * Node's test runner against a real server and the conformance fixture.
 */
@Tag("external")
class NodeClientTest {

    @Test
    void officialNodeClientPassesEveryScenario() throws Exception {
        Path root = Path.of(System.getProperty("project.basedir", "."));
        try (TestServer server = TestServer.start(); ConformanceFixture fixture = new ConformanceFixture()) {
            int fixturePort = fixture.start("127.0.0.1", TestServer.freePort()).getPort();
            ProcessBuilder pb = new ProcessBuilder("node", "--test", "--test-reporter=spec",
                    "src/test/js/socketio-client.test.mjs")
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(new File(root.toFile(), "target/node-client-test.log"));
            pb.environment().put("SB_URL", server.url());
            pb.environment().put("SB_FIXTURE_URL", "http://127.0.0.1:" + fixturePort);
            Process p = pb.start();
            boolean done = p.waitFor(120, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            String out = java.nio.file.Files.readString(root.resolve("target/node-client-test.log"), StandardCharsets.UTF_8);
            System.out.println(out);
            assertThat(done).as("node finished in time").isTrue();
            assertThat(out).containsPattern("(?m)^\\S+ fail 0$").containsPattern("(?m)^\\S+ pass [1-9][0-9]*$");
            assertThat(p.exitValue()).as(out).isZero();
        }
    }
}
