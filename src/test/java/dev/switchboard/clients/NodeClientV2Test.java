package dev.switchboard.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.ConformanceFixture;
import dev.switchboard.auth.RoomToken;
import dev.switchboard.auth.RoomTokens;
import dev.switchboard.testing.TestServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runs src/test/js/socketio-client-v2.test.mjs (the official npm socket.io-client 2.5.0, Engine.IO v3,
 * as a black box, alone and beside the 4.8 client) with Node's test runner against real servers: the
 * conformance fixture, a default Switchboard, one that requires room tokens, one with
 * {@code signaling.allow-eio3 = false}.
 */
@Tag("external")
class NodeClientV2Test {
    static final String SECRET = "node-client-v2-test-secret";

    @Test
    void officialNodeClient2xPassesEveryScenario() throws Exception {
        Path root = Path.of(System.getProperty("project.basedir", "."));
        try (TestServer server = TestServer.start();
             TestServer tokens = TestServer.start(Map.of("auth.secret", SECRET));
             TestServer noEio3 = TestServer.start(Map.of("signaling.allow-eio3", false));
             ConformanceFixture fixture = new ConformanceFixture()) {
            int fixturePort = fixture.start("127.0.0.1", TestServer.freePort()).getPort();
            File log = new File(root.toFile(), "target/node-client-v2-test.log");
            ProcessBuilder pb = new ProcessBuilder("node", "--test", "--test-reporter=spec",
                    "src/test/js/socketio-client-v2.test.mjs")
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log);
            pb.environment().put("SB_URL", server.url());
            pb.environment().put("SB_FIXTURE_URL", "http://127.0.0.1:" + fixturePort);
            pb.environment().put("SB_TOKEN_URL", tokens.url());
            pb.environment().put("SB_TOKEN", new RoomTokens(SECRET, Clock.systemUTC())
                    .mint("team", "ada", RoomToken.Role.MEMBER, Duration.ofMinutes(10)));
            pb.environment().put("SB_NO_EIO3_URL", noEio3.url());
            Process p = pb.start();
            boolean done = p.waitFor(120, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            String out = Files.readString(log.toPath(), StandardCharsets.UTF_8);
            System.out.println(out);
            assertThat(done).as("node finished in time").isTrue();
            assertThat(out).containsPattern("(?m)^\\S+ fail 0$").containsPattern("(?m)^\\S+ pass [1-9][0-9]*$");
            assertThat(p.exitValue()).as(out).isZero();
        }
    }
}
