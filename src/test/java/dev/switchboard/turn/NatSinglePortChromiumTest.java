package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import dev.switchboard.testing.Chromium;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The single-port deployment through a firewall that lets nothing out but TCP to port 443: the routers
 * of a {@link NatLab} drop every forwarded packet (UDP included) except TCP to the server's 443, and
 * Switchboard runs with {@code --single-port 443}. Two Chromiums behind them load the web app from
 * https://SERVER/, take the ICE servers it lists, and connect relay to relay through TURN over TLS on
 * that same port; a JPEG photo made on one page arrives on the other with the same SHA-256.
 */
@Tag("browser")
class NatSinglePortChromiumTest {
    static final int PORT = 443;
    static final String ORIGIN = "https://" + NatLab.SERVER_IP + "/";
    static NatLab lab;
    static Chromium chromiumA;
    static Chromium chromiumB;

    /** The ICE servers the page's own server lists, keeping only {@code turns:} URLs. */
    static final String TURNS_ONLY = """
            async () => {
              const body = await (await fetch('/api/ice-servers')).json();
              const s = body.iceServers[0];
              return {iceServers: [{urls: s.urls.filter(u => u.startsWith('turns:')), username: s.username,
                  credential: s.credential}], iceTransportPolicy: 'relay', all: s.urls};
            }""";

    /** Gathers with every URL the server lists and no policy: what gets through the firewall. */
    static final String GATHER_ALL = """
            async () => {
              const s = (await (await fetch('/api/ice-servers')).json()).iceServers[0];
              const pc = new RTCPeerConnection({iceServers: [s]});
              pc.createDataChannel('probe');
              const found = [];
              pc.onicecandidate = e => { if (e.candidate) found.push(e.candidate.type + '/' + (e.candidate.relayProtocol || '-')); };
              await pc.setLocalDescription(await pc.createOffer());
              await new Promise(resolve => {
                const t = setTimeout(resolve, 10000);
                pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') { clearTimeout(t); resolve(); } };
              });
              pc.close();
              return found.join(',');
            }""";

    static final String COMMON = """
            const gathered = pc => new Promise(resolve => {
              if (pc.iceGatheringState === 'complete') return resolve();
              const t = setTimeout(resolve, 10000);
              pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') { clearTimeout(t); resolve(); } };
            });
            const hex = async buf => [...new Uint8Array(await crypto.subtle.digest('SHA-256', buf))]
                .map(b => b.toString(16).padStart(2, '0')).join('');
            window.selected = async () => {
              const stats = await window.pc.getStats();
              let pair;
              stats.forEach(s => { if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId); });
              if (!pair) return 'none';
              const l = stats.get(pair.localCandidateId), r = stats.get(pair.remoteCandidateId);
              return l.candidateType + '/' + (l.relayProtocol || '-') + '/' + l.address + ' ' + r.candidateType + '/' + r.address;
            };
            """;

    /** Page A: a photo (a JPEG of a drawn, noisy canvas), an offer, and a channel that sends the photo. */
    static final String OFFER = "async ([config]) => {" + COMMON + """
              const canvas = document.createElement('canvas');
              canvas.width = 640; canvas.height = 480;
              const g = canvas.getContext('2d');
              const img = g.createImageData(640, 480);
              for (let i = 0; i < img.data.length; i++) img.data[i] = (i * 31 + Math.random() * 64) & 255;
              g.putImageData(img, 0, 0);
              g.fillStyle = '#c33'; g.font = '64px sans-serif'; g.fillText('one port', 160, 260);
              const photo = await (await new Promise(r => canvas.toBlob(r, 'image/jpeg', 0.9))).arrayBuffer();
              window.photo = {size: photo.byteLength, sha256: await hex(photo)};
              const pc = new RTCPeerConnection(config);
              window.pc = pc;
              const channel = pc.createDataChannel('photo');
              channel.binaryType = 'arraybuffer';
              channel.bufferedAmountLowThreshold = 256 * 1024;
              window.sent = new Promise(resolve => channel.onopen = async () => {
                for (let at = 0; at < photo.byteLength; at += 16384) {
                  if (channel.bufferedAmount > 1024 * 1024) {
                    await new Promise(r => channel.onbufferedamountlow = r);
                  }
                  channel.send(photo.slice(at, at + 16384));
                }
                channel.send('end');
                resolve(true);
              });
              await pc.setLocalDescription(await pc.createOffer());
              await gathered(pc);
              return pc.localDescription.sdp;
            }""";

    /** Page B: answers, and resolves {@code window.photo} with the size and hash of what arrived. */
    static final String ANSWER = "async ([config, offer]) => {" + COMMON + """
              const pc = new RTCPeerConnection(config);
              window.pc = pc;
              window.photo = new Promise(resolve => pc.ondatachannel = e => {
                const parts = [];
                e.channel.binaryType = 'arraybuffer';
                e.channel.onmessage = async m => {
                  if (typeof m.data !== 'string') { parts.push(m.data); return; }
                  const whole = await new Blob(parts).arrayBuffer();
                  resolve({size: whole.byteLength, sha256: await hex(whole)});
                };
              });
              await pc.setRemoteDescription({type: 'offer', sdp: offer});
              await pc.setLocalDescription(await pc.createAnswer());
              await gathered(pc);
              return pc.localDescription.sdp;
            }""";

    @BeforeAll
    static void start() throws Exception {
        String reason = NatLab.unavailable();
        assumeTrue(reason == null, reason);
        assumeTrue(Chromium.available(), "Chromium is not installed");
        lab = NatLab.create();
        for (String router : List.of(lab.routerA, lab.routerB)) {
            firewall(router);
        }
        CountDownLatch ready = NatTraversalTest.switchboard(lab, PORT, "--single-port", Integer.toString(PORT));
        assertThat(ready.await(60, TimeUnit.SECONDS)).as("server started: %s", NatTraversalTest.LOG).isTrue();
        NatLab.Result health = lab.run(lab.a, 20, "curl", "-sSk", "-m", "10", ORIGIN + "healthz");
        assertThat(health.output()).as("HTTPS from behind the firewall: %s", NatTraversalTest.LOG).contains("\"up\"");
        // the development certificate is self-signed: the pages and the TURN client accept it
        // (and, the last of its kind winning, the resolver rules let the server's address through)
        String[] args = {"--ignore-certificate-errors",
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1 , EXCLUDE " + NatLab.SERVER_IP};
        chromiumA = Chromium.launchAt(NatChromiumTest.inNamespace(lab.a), null, args);
        chromiumB = Chromium.launchAt(NatChromiumTest.inNamespace(lab.b), null, args);
    }

    /** Forwarding through {@code router} only for TCP to the server's single port (and its replies). */
    static void firewall(String router) throws Exception {
        NatLab.Result r = lab.run(router, 10, "nft", "add table inet fw; "
                + "add chain inet fw gate { type filter hook forward priority filter; policy drop; }; "
                + "add rule inet fw gate ct state established,related accept; "
                + "add rule inet fw gate iifname \"lan\" ip daddr " + NatLab.SERVER_IP + " tcp dport " + PORT + " accept");
        assertThat(r.code()).as(r.output()).isZero();
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

    static Page page(Chromium chromium) {
        BrowserContext context = chromium.browser().newContext(new Browser.NewContextOptions().setIgnoreHTTPSErrors(true));
        Page page = context.newPage();
        page.navigate(ORIGIN);
        return page;
    }

    @Test
    void onlyTcpToTheSinglePortGetsThroughTheFirewall() {
        Page a = page(chromiumA);
        try {
            String candidates = (String) a.evaluate(GATHER_ALL);
            assertThat(candidates).as("no UDP answer reaches the peer").doesNotContain("srflx").doesNotContain("relay/udp");
            assertThat(candidates).as("TURN over TCP and TLS on the one port").contains("relay/tls");
        } finally {
            a.context().close();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPhotoCrossesRelayToRelayOverTurnsOnTheSinglePort() {
        Page a = page(chromiumA);
        Page b = page(chromiumB);
        try {
            Map<String, Object> config = (Map<String, Object>) a.evaluate(TURNS_ONLY);
            assertThat((List<String>) config.get("all")).as("the server lists every transport on its one port")
                    .contains("turns:" + NatLab.SERVER_IP + ":" + PORT + "?transport=tcp",
                            "turn:" + NatLab.SERVER_IP + ":" + PORT + "?transport=udp");
            config.remove("all");
            String offer = (String) a.evaluate(OFFER, List.of(config));
            String answer = (String) b.evaluate(ANSWER, List.of(config, offer));
            a.evaluate("async (answer) => { await window.pc.setRemoteDescription({type: 'answer', sdp: answer}); }", answer);
            Map<String, Object> received = (Map<String, Object>) b.evaluate(
                    "() => Promise.race([window.photo, new Promise(r => setTimeout(() => r({size: -1, sha256: 'timeout, ice '"
                            + " + window.pc.iceConnectionState}), 45000))])");
            Map<String, Object> sent = (Map<String, Object>) a.evaluate("() => window.photo");
            assertThat(((Number) sent.get("size")).intValue()).as("a real photo").isGreaterThan(50_000);
            assertThat(received).as("arrived with the same bytes").isEqualTo(sent);
            String relay = "relay/tls/" + NatLab.SERVER_IP;
            assertThat((String) a.evaluate("() => window.selected()")).as("pair at A").startsWith(relay);
            assertThat((String) b.evaluate("() => window.selected()")).as("pair at B").startsWith(relay);
        } finally {
            a.context().close();
            b.context().close();
        }
    }
}
