package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The invitation's QR code (drawn in the page by the QR library the build takes from npm) and the
 * verification code two people compare to know nobody sits between them.
 */
@Tag("browser")
@Timeout(120)
class InviteAndVerifyBrowserTest {
    @RegisterExtension
    static final BrowserFixture web = BrowserFixture.serverAndChromium().camera(160, 120, 2).rooms("v");

    /**
     * Alone in the room, the QR code is on screen without scrolling and encodes the room link: a real QR
     * symbol (a size of 17 + 4k modules, the three finder patterns in place, drawn dark on light).
     */
    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"390, 844", "1280, 800"})
    void anEmptyRoomShowsTheLinkAsAQrCode(int width, int height) {
        String room = web.newRoom();
        try (RoomPage a = web.open(room).viewport(width, height)) {
            Locator qr = a.page.getByTestId("invite-qr");
            a.page.waitForFunction("() => document.querySelector('[data-testid=invite-qr]').dataset.modules");
            a.page.evaluate("() => window.scrollTo(0, 0)");
            assertThat(a.inViewport(qr)).as("the QR code is on screen").isTrue();
            assertThat(qr.getAttribute("data-text")).isEqualTo(web.server().url() + "/room/" + room);
            int modules = Integer.parseInt(qr.getAttribute("data-modules"));
            assertThat((modules - 17) % 4).isZero();
            @SuppressWarnings("unchecked")
            List<Boolean> finders = (List<Boolean>) a.page.evaluate("n => {"
                    + " const c = document.querySelector('[data-testid=invite-qr]'); const g = c.getContext('2d');"
                    + " const scale = c.width / (n + 8);"
                    + " const dark = (r, col) => g.getImageData((col + 4.5) * scale, (r + 4.5) * scale, 1, 1).data[0] < 128;"
                    + " const finder = (r0, c0) => { for (let r = 0; r < 7; r++) for (let col = 0; col < 7; col++) {"
                    + "   const ring = r === 0 || r === 6 || col === 0 || col === 6; const core = r >= 2 && r <= 4 && col >= 2 && col <= 4;"
                    + "   if (dark(r0 + r, c0 + col) !== (ring || core)) return false; } return true; };"
                    + " return [finder(0, 0), finder(0, n - 7), finder(n - 7, 0), !dark(-1, -1)]; }", modules);
            assertThat(finders).containsExactly(true, true, true, true);
            assertThat(a.problems).isEmpty();
        }
    }

    /**
     * Two people in a room see the same code next to each other's name, and it is the one derived from
     * the DTLS fingerprints: each page's own fingerprint is the one the other received.
     */
    @Test
    void bothEndsShowTheSameCodeDerivedFromBothFingerprints() throws Exception {
        String room = web.newRoom();
        try (RoomPage a = web.open(room, "?testhooks=1").viewport(390, 844);
                RoomPage b = web.open(room, "?testhooks=1").viewport(1280, 800)) {
            a.waitConnectedTo(1);
            b.waitConnectedTo(1);
            Locator codeOnA = a.page.getByTestId("verify-code");
            Locator codeOnB = b.page.getByTestId("verify-code");
            a.page.waitForFunction("() => document.querySelector('[data-testid=verify-code]')?.dataset.code");
            b.page.waitForFunction("() => document.querySelector('[data-testid=verify-code]')?.dataset.code");
            String code = codeOnA.getAttribute("data-code");
            assertThat(code).matches("\\d{3} \\d{3} \\d{3}");
            assertThat(codeOnB.getAttribute("data-code")).isEqualTo(code);
            for (RoomPage p : List.of(a, b)) {
                Locator shown = p.page.getByTestId("verify-code");
                shown.scrollIntoViewIfNeeded();
                assertThat(p.inViewport(shown)).isTrue();
                assertThat(shown.innerText()).contains(code);
            }
            String bId = codeOnA.getAttribute("data-peer");
            String aId = codeOnB.getAttribute("data-peer");
            @SuppressWarnings("unchecked")
            Map<String, String> onA = (Map<String, String>) a.page.evaluate("id => window.switchboardTest.descriptions(id)", bId);
            @SuppressWarnings("unchecked")
            Map<String, String> onB = (Map<String, String>) b.page.evaluate("id => window.switchboardTest.descriptions(id)", aId);
            String fa = fingerprint(onA.get("local"));
            String fb = fingerprint(onB.get("local"));
            assertThat(fingerprint(onB.get("remote"))).as("what B received is A's").isEqualTo(fa);
            assertThat(fingerprint(onA.get("remote"))).as("what A received is B's").isEqualTo(fb);
            assertThat(fa).isNotEqualTo(fb);
            assertThat(expectedCode(fa, fb)).isEqualTo(code);
        }
    }

    private static String fingerprint(String sdp) {
        Matcher m = Pattern.compile("(?m)^a=fingerprint:(\\S+) ([0-9A-Fa-f:]+)\\s*$").matcher(sdp);
        assertThat(m.find()).as("a fingerprint in " + sdp).isTrue();
        return m.group(1).toLowerCase() + " " + m.group(2).toUpperCase();
    }

    private static String expectedCode(String a, String b) throws Exception {
        String text = a.compareTo(b) < 0 ? a + "\n" + b : b + "\n" + a;
        byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        long n = ((long) (d[0] & 0xff) << 22) | ((d[1] & 0xff) << 14) | ((d[2] & 0xff) << 6) | ((d[3] & 0xff) >> 2);
        String digits = String.format("%09d", n % 1_000_000_000L);
        return digits.substring(0, 3) + " " + digits.substring(3, 6) + " " + digits.substring(6);
    }
}
