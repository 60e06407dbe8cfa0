package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.microsoft.playwright.Page;
import dev.switchboard.testing.Chromium;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two headless Chromiums, one in each peer namespace of a {@link NatLab} (each router a symmetric,
 * fully-random masquerade), and a Switchboard with its default settings in the server namespace. The
 * pages exchange offer and answer through the test, as a signaling server would. With only STUN the
 * peers learn their routers' public addresses yet never connect; with our TURN server the data channel
 * opens and both selected candidates are relays on the server's public address.
 */
@Tag("browser")
class NatChromiumTest {
    static final int TURN_PORT = 3478;
    static NatLab lab;
    static Chromium chromiumA;
    static Chromium chromiumB;

    static final String GATHERED = """
            const gathered = pc => new Promise(resolve => {
              if (pc.iceGatheringState === 'complete') return resolve();
              const t = setTimeout(resolve, 8000);
              pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') { clearTimeout(t); resolve(); } };
            });
            const selected = async pc => {
              const stats = await pc.getStats();
              let pair;
              stats.forEach(s => { if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId); });
              if (!pair) return 'none';
              const local = stats.get(pair.localCandidateId), remote = stats.get(pair.remoteCandidateId);
              return local.candidateType + '/' + local.address + '/' + remote.candidateType + '/' + remote.address;
            };
            """;

    static final String OFFER = "async ([config]) => {" + GATHERED + """
              const pc = new RTCPeerConnection(config);
              window.pc = pc;
              window.errors = [];
              pc.onicecandidateerror = e => window.errors.push(e.errorCode + ' ' + e.url);
              const channel = pc.createDataChannel('x');
              window.opened = new Promise(resolve => channel.onopen = () => resolve(channel));
              window.reply = new Promise(resolve => channel.onmessage = m => resolve(m.data));
              window.selected = () => selected(pc);
              await pc.setLocalDescription(await pc.createOffer());
              await gathered(pc);
              return pc.localDescription.sdp;
            }""";

    static final String ANSWER = "async ([config, offer]) => {" + GATHERED + """
              const pc = new RTCPeerConnection(config);
              window.pc = pc;
              window.selected = () => selected(pc);
              window.received = new Promise(resolve => pc.ondatachannel = e => e.channel.onmessage = m => {
                e.channel.send('back: ' + m.data);
                resolve(m.data);
              });
              await pc.setRemoteDescription({type: 'offer', sdp: offer});
              await pc.setLocalDescription(await pc.createAnswer());
              await gathered(pc);
              return pc.localDescription.sdp;
            }""";

    /** Completes the offerer's side and waits up to {@code seconds} for the channel to carry a round trip. */
    static final String CONNECT = """
            async ([answer, seconds]) => {
              await window.pc.setRemoteDescription({type: 'answer', sdp: answer});
              const timeout = new Promise(resolve => setTimeout(() => resolve(null), seconds * 1000));
              const channel = await Promise.race([window.opened, timeout]);
              const candidates = (window.pc.localDescription.sdp.match(/typ \\w+/g) || []).join(',');
              if (!channel) return {result: 'no connection; ice ' + window.pc.iceConnectionState
                  + '; errors ' + window.errors.join(','), candidates};
              channel.send('hello from A');
              const reply = await Promise.race([window.reply, timeout]);
              return {result: reply, selected: await window.selected(), candidates};
            }""";

    @BeforeAll
    static void start() throws Exception {
        String reason = NatLab.unavailable();
        assumeTrue(reason == null, reason);
        assumeTrue(Chromium.available(), "Chromium is not installed");
        lab = NatLab.create();
        CountDownLatch ready = NatTraversalTest.switchboard(lab, TURN_PORT);
        assertThat(ready.await(60, TimeUnit.SECONDS)).as("server started: %s", NatTraversalTest.LOG).isTrue();
        chromiumA = Chromium.launchAt(inNamespace(lab.a), null);
        chromiumB = Chromium.launchAt(inNamespace(lab.b), null);
    }

    @AfterAll
    static void stop() {
        for (Chromium c : new Chromium[] {chromiumA, chromiumB}) {
            if (c != null) {
                c.close();
            }
        }
        if (lab != null) {
            lab.close();
        }
    }

    /** A script that runs Chromium, with its arguments and pipes, inside namespace {@code ns}. */
    static Path inNamespace(String ns) throws IOException {
        Path script = Files.createTempFile("chromium-" + ns, ".sh",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.writeString(script, "#!/bin/sh\nexec ip netns exec " + ns + " " + Chromium.EXECUTABLE + " \"$@\"\n");
        script.toFile().deleteOnExit();
        return script;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> call(Map<String, Object> config, int seconds) {
        Page a = chromiumA.browser().newPage();
        Page b = chromiumB.browser().newPage();
        try {
            String offer = (String) a.evaluate(OFFER, List.of(config));
            String answer = (String) b.evaluate(ANSWER, List.of(config, offer));
            Map<String, Object> r = (Map<String, Object>) a.evaluate(CONNECT, List.of(answer, seconds));
            if ("back: hello from A".equals(r.get("result"))) {
                r.put("received", b.evaluate("() => window.received"));
                r.put("selectedB", b.evaluate("() => window.selected()"));
            }
            return r;
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void stunAloneCannotConnectPeersBehindSymmetricNats() {
        Map<String, Object> r = call(Map.of("iceServers", List.of(Map.of("urls",
                List.of("stun:" + NatLab.SERVER_IP + ":" + TURN_PORT)))), 10);
        assertThat((String) r.get("candidates")).as("the peer learnt its public address").contains("typ srflx");
        assertThat((String) r.get("result")).startsWith("no connection");
    }

    @Test
    void turnConnectsPeersBehindSymmetricNats() {
        Map<String, Object> r = call(Map.of("iceServers", List.of(Map.of(
                "urls", List.of("stun:" + NatLab.SERVER_IP + ":" + TURN_PORT, "turn:" + NatLab.SERVER_IP + ":" + TURN_PORT),
                "username", "alice", "credential", "wonderland"))), 30);
        assertThat(r.get("result")).as(r.toString()).isEqualTo("back: hello from A");
        assertThat(r.get("received")).isEqualTo("hello from A");
        // Every working pair runs through a relay on the server: the local end's own relay, or the far end's
        // relay reached from this end's NAT mapping (then the local candidate is peer-reflexive).
        String relay = "relay/" + NatLab.SERVER_IP;
        assertThat((String) r.get("selected")).as("pair at A").contains(relay).doesNotContain("host/");
        assertThat((String) r.get("selectedB")).as("pair at B").contains(relay).doesNotContain("host/");
    }
}
