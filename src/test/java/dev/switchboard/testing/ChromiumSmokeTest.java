package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The launcher itself: loopback host candidates are gathered and not hidden behind mDNS names. */
@Tag("browser")
class ChromiumSmokeTest {

    @Test
    void gathersLoopbackHostCandidatesWithoutMdns() {
        try (TestServer server = TestServer.start(); Chromium chromium = Chromium.launch(null)) {
            Page page = chromium.browser().newPage();
            page.navigate(server.url() + "/healthz"); // a secure context: http on 127.0.0.1
            Object candidates = page.evaluate("""
                    async () => {
                      await navigator.mediaDevices.getUserMedia({video: true});
                      const pc = new RTCPeerConnection();
                      pc.createDataChannel('x');
                      const found = [];
                      pc.onicecandidate = e => { if (e.candidate) found.push(e.candidate.candidate); };
                      await pc.setLocalDescription(await pc.createOffer());
                      await new Promise(r => { const t = setTimeout(r, 5000);
                        pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') { clearTimeout(t); r(); } }; });
                      pc.close();
                      return found.join('\\n');
                    }""");
            assertThat((String) candidates).contains("127.0.0.1").doesNotContain(".local");
        }
    }
}
