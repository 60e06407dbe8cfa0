package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.microsoft.playwright.Page;
import dev.switchboard.ice.TurnCredentials;
import dev.switchboard.testing.Chromium;
import dev.switchboard.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Headless Chromium, relay-only: two RTCPeerConnections with {@code iceTransportPolicy: 'relay'} reach
 * each other only through our TURN server, over UDP and over TCP; the data channel opens, a message
 * crosses, and getStats shows a relay candidate on both ends of the selected pair.
 */
@Tag("browser")
class ChromiumRelayTest {
    static TestServer server;
    static Chromium chromium;

    /** Runs both peers in the page and returns what their stats say, or the error. */
    static final String SCRIPT = """
            async ([url, username, credential]) => {
              const config = {iceServers: [{urls: [url], username, credential}], iceTransportPolicy: 'relay'};
              const a = new RTCPeerConnection(config), b = new RTCPeerConnection(config);
              const errors = [];
              for (const [pc, other] of [[a, b], [b, a]]) {
                pc.onicecandidate = e => { if (e.candidate) other.addIceCandidate(e.candidate); };
                pc.onicecandidateerror = e => errors.push(e.errorCode + ' ' + e.url);
              }
              const sent = a.createDataChannel('x');
              const received = new Promise(resolve => b.ondatachannel = e => e.channel.onmessage = m => resolve(m.data));
              const open = new Promise(resolve => sent.onopen = resolve);
              await a.setLocalDescription(await a.createOffer());
              await b.setRemoteDescription(a.localDescription);
              await b.setLocalDescription(await b.createAnswer());
              await a.setRemoteDescription(b.localDescription);
              const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('timeout; ' + errors.join(', ')
                  + '; ice ' + a.iceConnectionState + '/' + b.iceConnectionState)), 20000));
              await Promise.race([open, timeout]);
              sent.send('through the relay');
              const message = await Promise.race([received, timeout]);
              const selected = async pc => {
                const stats = await pc.getStats();
                let pair;
                stats.forEach(s => { if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId); });
                const local = stats.get(pair.localCandidateId), remote = stats.get(pair.remoteCandidateId);
                return local.candidateType + '/' + remote.candidateType + '/' + local.relayProtocol;
              };
              const result = {message, a: await selected(a), b: await selected(b)};
              a.close(); b.close();
              return result;
            }""";

    @BeforeAll
    static void start() {
        assumeTrue(Chromium.available(), "Chromium is not installed");
        server = TestServer.start(Map.of("turn.users", List.of("alice:wonderland"),
                "turn.allow-peers", List.of("127.0.0.1/32")));
        chromium = Chromium.launch(null);
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> connect(String url, String username, String credential) {
        Page page = chromium.browser().newPage();
        try {
            page.navigate(server.url() + "/healthz");
            return (Map<String, Object>) page.evaluate(SCRIPT, List.of(url, username, credential));
        } finally {
            page.close();
        }
    }

    @Test
    void dataChannelOpensThroughTurnOverUdpWithRestCredentials() {
        TurnCredentials.Credential c = server.server().turnCredentials().mint("page", Duration.ofMinutes(5));
        Map<String, Object> r = connect("turn:127.0.0.1:" + server.turnPort() + "?transport=udp", c.username(), c.password());
        assertThat(r.get("message")).isEqualTo("through the relay");
        assertThat(r.get("a")).isEqualTo("relay/relay/udp");
        assertThat(r.get("b")).isEqualTo("relay/relay/udp");
    }

    @Test
    void dataChannelOpensThroughTurnOverTcpWithAStaticUser() {
        Map<String, Object> r = connect("turn:127.0.0.1:" + server.turnPort() + "?transport=tcp", "alice", "wonderland");
        assertThat(r.get("message")).isEqualTo("through the relay");
        assertThat(r.get("a")).isEqualTo("relay/relay/tcp");
        assertThat(r.get("b")).isEqualTo("relay/relay/tcp");
    }

    @Test
    void wrongPasswordLeavesNoRelayPath() {
        Page page = chromium.browser().newPage();
        try {
            page.navigate(server.url() + "/healthz");
            String error = (String) page.evaluate("""
                    async ([url]) => {
                      const pc = new RTCPeerConnection({iceServers: [{urls: [url], username: 'alice', credential: 'nope'}],
                                                        iceTransportPolicy: 'relay'});
                      const codes = [];
                      pc.onicecandidateerror = e => codes.push(e.errorCode);
                      const relays = [];
                      pc.onicecandidate = e => { if (e.candidate) relays.push(e.candidate.type); };
                      pc.createDataChannel('x');
                      await pc.setLocalDescription(await pc.createOffer());
                      await new Promise(r => { const t = setTimeout(r, 8000);
                        pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') { clearTimeout(t); r(); } }; });
                      pc.close();
                      return codes.join(',') + '|' + relays.join(',');
                    }""", List.of("turn:127.0.0.1:" + server.turnPort() + "?transport=udp"));
            assertThat(error).startsWith("401").endsWith("|");
        } finally {
            page.close();
        }
    }
}
