package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The soak in small (bench/soak.sh runs it big): the server as a child process with this build's class
 * path and Netty's leak detection at paranoid, 400 signaling connections in 200 rooms with a round trip
 * per pair every 250 ms and 50 TURN allocations relaying a datagram every 200 ms each, for 20 s, a full
 * collection every 5 s so that a leaked buffer is found and reported while traffic goes on. Then a short
 * second round after the first one's clients have gone, so that buffers leaked on the closing paths are
 * reported too.
 */
@Tag("external")
class SoakTest {

    @Test
    @Timeout(120)
    void shortSoakUnderParanoidLeakDetectionAnswersEveryRoundTripWithoutErrorsLeaksOrGrowingFiles() throws Exception {
        Path work = Files.createTempDirectory("sb-soak-test");
        Path log = work.resolve("switchboard.log");
        int httpPort = TestServer.freePort();
        int turnPort = TestServer.freePort();
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dio.netty.leakDetection.level=paranoid", "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "dev.switchboard.Main");
        SoakRun.Settings s = new SoakRun.Settings(400, 50, 250, 200, 5, 20, 5, 3);
        // A short recovery window: the first round's clients close without a goodbye, so their sessions are
        // parked; they expire before the second round, which puts the expiry path under leak detection too.
        java.util.Map<String, String> env = new java.util.HashMap<>(
                SoakRun.serverEnv(Files.createDirectories(work.resolve("data")), httpPort, turnPort));
        env.put("SWITCHBOARD_SIGNALING_RECOVERY_WINDOW", "2s");
        try (ServerProcess server = ServerProcess.start(ServerProcess.Kind.SWITCHBOARD, "switchboard", cmd, env,
                httpPort, log)) {
            SoakRun.Result r = SoakRun.run(server, log, turnPort, s, System.out);
            SoakRun.printVerdict(s, r, System.out);

            Thread.sleep(3000); // past the recovery window: the first round's parked sessions end
            server.liveHeapBytes();
            SoakRun.Settings small = new SoakRun.Settings(20, 4, 100, 100, 1, 3, 3, 1);
            SoakRun.Result after = SoakRun.run(server, log, turnPort, small, System.out);
            SoakRun.printVerdict(small, after, System.out);

            assertThat(r.errors()).as(r.errorDetail() + "; first error: " + r.firstError()).isZero();
            assertThat(r.unanswered()).as("round trips never answered").isZero();
            assertThat(r.lostEchoes()).as("TURN echoes lost").isZero();
            // Traffic did flow: at least half of what the pairs and allocations offered.
            assertThat(r.roundTrips()).as("round trips").isGreaterThan((long) (200 * 20 * 4 * 0.5));
            assertThat(r.echoes()).as("TURN echoes").isGreaterThan((long) (50 * 20 * 5 * 0.5));
            List<SoakRun.Sample> samples = r.samples();
            long firstFds = samples.get(0).fds();
            assertThat(samples.get(samples.size() - 1).fds()).as("server's open files, first sample %d", firstFds)
                    .isLessThanOrEqualTo((long) (firstFds * (1 + SoakRun.DRIFT_LIMIT)));
            assertThat(after.errors()).as("second round: " + after.errorDetail()).isZero();
            assertThat(SoakRun.countLines(log, "LEAK:")).as("LEAK reports in " + log).isZero();
        }
        TestServer.deleteTree(work);
    }
}
