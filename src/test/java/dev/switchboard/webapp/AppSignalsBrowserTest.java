package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.WaitForSelectorState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the room page tells a person beyond the page itself, in real headless Chromium: a thumbnail
 * next to an offered image, a system notification for an offer and a chat message while the page is
 * hidden (only with permission granted and the bell on), the live regions' announcements, the screen
 * wake lock held around a transfer, and "Save / Share" on a received file where the browser can share.
 * Notification, navigator.wakeLock and navigator.share are wrapped by init scripts that record calls.
 */
@Tag("browser")
@Timeout(180)
class AppSignalsBrowserTest {
    /** Records Notification constructions (and still constructs the real one where it can). */
    static final String RECORD_NOTIFICATIONS = "window.__notes = []; (() => { const Real = window.Notification;"
            + " function Recording(title, options) { window.__notes.push({ title, body: options && options.body });"
            + "   try { return new Real(title, options); } catch (e) { return new EventTarget(); } }"
            + " Object.defineProperty(Recording, 'permission', { get: () => Real.permission });"
            + " Recording.requestPermission = (...a) => Real.requestPermission(...a);"
            + " window.Notification = Recording; })();";
    /** A wake lock that records request and release. */
    static final String RECORD_WAKE_LOCK = "window.__locks = []; (() => { const lock = { request: async (type) => {"
            + " const s = new EventTarget(); s.type = type; s.released = false;"
            + " s.release = async () => { if (!s.released) { s.released = true; window.__locks.push('release');"
            + "   s.dispatchEvent(new Event('release')); } };"
            + " window.__locks.push('request'); window.__lastLock = s; return s; } };"
            + " Object.defineProperty(Navigator.prototype, 'wakeLock', { configurable: true, get: () => lock }); })();";
    /** Web Share that says yes to files and records what it was given. */
    static final String RECORD_SHARE = "window.__shared = [];"
            + " Navigator.prototype.canShare = function (d) { return !!d && Array.isArray(d.files) && d.files.length > 0; };"
            + " Navigator.prototype.share = async function (d) { window.__shared.push(...d.files.map(f => `${f.name}:${f.size}`)); };";
    /** Every text the live regions were given, in order. */
    static final String RECORD_ANNOUNCEMENTS = "window.__said = []; document.addEventListener('DOMContentLoaded', () => {"
            + " for (const id of ['announce-polite', 'announce-assertive']) { const r = document.getElementById(id);"
            + "   new MutationObserver(() => { if (r.textContent) window.__said.push(id.slice(9) + ': ' + r.textContent); })"
            + "     .observe(r, { childList: true, characterData: true, subtree: true }); } });";

    @TempDir
    static Path dir;
    @RegisterExtension
    static final BrowserFixture web = BrowserFixture.serverAndChromium();

    static RoomPage open(String room, boolean notificationsGranted) {
        return open(room, notificationsGranted, null);
    }

    static RoomPage open(String room, boolean notificationsGranted, String query) {
        return RoomPage.open(web.browser(), web.server().url(), room, query, (BrowserContext c) -> {
            if (notificationsGranted) {
                c.grantPermissions(List.of("notifications"), new BrowserContext.GrantPermissionsOptions().setOrigin(web.server().url()));
            }
            if (query != null && query.contains("relay=1")) {
                BrowserFixture.noIceServers(c); // relay-only with no ICE server: no channel ever opens
            }
            for (String script : List.of(RECORD_NOTIFICATIONS, RECORD_WAKE_LOCK, RECORD_SHARE, RECORD_ANNOUNCEMENTS)) {
                c.addInitScript(script);
            }
        });
    }

    static void setHidden(RoomPage p, boolean hidden) {
        p.page.evaluate("h => { Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => h ? 'hidden' : 'visible' });"
                + " Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });"
                + " document.dispatchEvent(new Event('visibilitychange')); }", hidden);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> notes(RoomPage p) {
        return (List<Map<String, Object>>) p.page.evaluate("() => window.__notes");
    }

    @SuppressWarnings("unchecked")
    static List<String> said(RoomPage p) {
        return (List<String>) p.page.evaluate("() => window.__said");
    }

    @SuppressWarnings("unchecked")
    static List<String> locks(RoomPage p) {
        return (List<String>) p.page.evaluate("() => window.__locks");
    }

    static String name(RoomPage p) {
        return p.page.locator("#my-name").inputValue();
    }

    @Test
    void anImageOfferArrivesWithAThumbnailANotificationWhenHiddenAndAnAnnouncement() throws Exception {
        Path photo = PwaBrowserTest.png(dir.resolve("photo.png"));
        String room = BrowserFixture.newRoom("n");
        try (RoomPage a = open(room, false); RoomPage b = open(room, true)) {
            a.waitConnectedTo(1);
            b.waitConnectedTo(1);
            assertThat(said(a)).anyMatch(s -> s.equals("polite: " + name(b) + " joined the room."));

            Locator bell = b.page.getByTestId("notify-toggle");
            assertThat(bell.getAttribute("aria-pressed")).isEqualTo("false");
            bell.click();
            b.page.waitForFunction("() => document.querySelector('[data-testid=notify-toggle]').getAttribute('aria-pressed') === 'true'");

            // a visible page is not notified; a hidden one is
            a.page.getByTestId("chat-input").fill("seen on screen");
            a.page.getByTestId("chat-send").click();
            b.page.waitForFunction("() => window.__said.some(s => s.includes('seen on screen'))");
            assertThat(notes(b)).isEmpty();

            setHidden(b, true);
            a.page.getByTestId("files-input").setInputFiles(photo);
            Locator offer = b.page.locator("[data-testid=file-transfer][data-direction=in][data-state=offered]");
            offer.waitFor();
            Locator thumb = offer.getByTestId("file-thumb");
            thumb.waitFor();
            b.page.waitForFunction("() => { const i = document.querySelector('[data-testid=file-thumb]'); return i.complete && i.naturalWidth > 0; }");
            int width = ((Number) thumb.evaluate("i => i.naturalWidth")).intValue();
            int height = ((Number) thumb.evaluate("i => i.naturalHeight")).intValue();
            assertThat(width).isEqualTo(160);
            assertThat(height).isEqualTo(120);
            assertThat(thumb.getAttribute("src")).startsWith("data:image/jpeg;base64,/9j/");
            assertThat(thumb.getAttribute("src").length()).isLessThan(22_000);
            System.out.printf("offer thumbnail of a 640x480 PNG: %dx%d, data URL of %d characters%n",
                    width, height, thumb.getAttribute("src").length());

            b.page.waitForFunction("() => window.__notes.length > 0");
            assertThat(notes(b)).hasSize(1);
            assertThat(notes(b).get(0).get("title")).isEqualTo(name(a) + " offers a file");
            assertThat((String) notes(b).get(0).get("body")).startsWith("photo.png (");
            assertThat(b.page.getByTestId("announce-polite").textContent()).startsWith(name(a) + " offers photo.png, ");

            a.page.getByTestId("chat-input").fill("hello while you are away");
            a.page.getByTestId("chat-send").click();
            b.page.waitForFunction("() => window.__notes.length > 1");
            assertThat(notes(b).get(1)).containsEntry("title", "Message from " + name(a))
                    .containsEntry("body", "hello while you are away");
            assertThat(said(b)).contains("polite: " + name(a) + " says: hello while you are away");
            assertThat(a.problems).isEmpty();
            assertThat(b.problems).isEmpty();
        }
    }

    @Test
    void aFileViaTheServerIsAnnouncedAndNotifiedWithItsThumbnailAndKeepsTheScreenOnOnlyWhileItMoves() throws Exception {
        Path photo = PwaBrowserTest.png(dir.resolve("server-photo.png"));
        String room = BrowserFixture.newRoom("s");
        // relay-only and told of no ICE servers: no channel opens, so files go through the server
        try (RoomPage a = open(room, false, "?relay=1&fallback=1000"); RoomPage b = open(room, true, "?relay=1&fallback=1000")) {
            a.page.waitForFunction("() => document.querySelectorAll('[data-testid=files-auto-accept]').length === 1");
            b.page.getByTestId("notify-toggle").click();
            b.page.waitForFunction("() => document.querySelector('[data-testid=notify-toggle]').getAttribute('aria-pressed') === 'true'");
            setHidden(b, true);
            a.page.getByTestId("files-input").setInputFiles(photo);
            Locator offer = b.page.locator("[data-testid=file-transfer][data-direction=in][data-state=offered]");
            offer.waitFor(new Locator.WaitForOptions().setTimeout(60_000));
            assertThat(offer.getAttribute("data-path")).isEqualTo("server");
            assertThat(offer.getByTestId("file-thumb").getAttribute("src")).startsWith("data:image/jpeg;base64,/9j/");
            b.page.waitForFunction("() => window.__notes.length > 0");
            assertThat(notes(b)).hasSize(1);
            assertThat(notes(b).get(0).get("title")).isEqualTo(name(a) + " offers a file");
            assertThat((String) notes(b).get(0).get("body")).startsWith("server-photo.png (");
            assertThat(said(b)).anyMatch(s -> s.startsWith("polite: " + name(a) + " offers server-photo.png, "));
            a.page.locator("[data-testid=file-transfer][data-direction=out][data-state=sent]").waitFor();
            a.page.waitForFunction("() => window.__locks.at(-1) === 'release'");
            assertThat(locks(a)).as("held while uploading, not while waiting for the peer").containsExactly("request", "release");
            assertThat(locks(b)).as("an offer alone keeps no screen on").isEmpty();

            setHidden(b, false);
            offer.getByTestId("file-accept").click();
            b.page.locator("[data-testid=file-transfer][data-direction=in][data-state=verified]").waitFor();
            a.page.locator("[data-testid=file-transfer][data-direction=out][data-state=verified]").waitFor();
            b.page.waitForFunction("() => window.__locks.at(-1) === 'release'");
            assertThat(locks(b)).as("held while downloading").containsExactly("request", "release");
            assertThat(locks(a)).containsExactly("request", "release");
            b.page.waitForFunction("() => window.__said.some(s => s.startsWith('polite: Received server-photo.png'))");
            assertThat(said(b)).contains("polite: Received server-photo.png from " + name(a) + ".");
            a.page.waitForFunction("() => window.__said.some(s => s.endsWith(' received server-photo.png.'))");
            assertThat(said(a)).contains("polite: " + name(b) + " received server-photo.png.");
        }
    }

    @Test
    void theScreenStaysOnDuringATransferAndAReceivedFileCanBeShared() throws Exception {
        Path file = dir.resolve("report.bin");
        byte[] bytes = new byte[3 * 1024 * 1024];
        new java.util.Random(7).nextBytes(bytes);
        Files.write(file, bytes);
        String room = BrowserFixture.newRoom("w");
        try (RoomPage a = open(room, false); RoomPage b = open(room, false)) {
            a.waitConnectedTo(1);
            b.waitConnectedTo(1);
            a.page.getByTestId("files-input").setInputFiles(file);
            Locator offer = b.page.locator("[data-testid=file-transfer][data-direction=in][data-state=offered]");
            offer.waitFor();
            assertThat(offer.getByTestId("file-thumb").count()).as("no thumbnail for a non-image").isZero();
            assertThat(locks(a)).as("an offer alone keeps no screen on").isEmpty();
            offer.getByTestId("file-accept").click();
            b.page.locator("[data-testid=file-transfer][data-direction=in][data-state=verified]").waitFor();
            a.page.locator("[data-testid=file-transfer][data-direction=out][data-state=verified]").waitFor();
            for (RoomPage p : List.of(a, b)) {
                p.page.waitForFunction("() => window.__locks.at(-1) === 'release'");
                assertThat(locks(p)).as("one lock taken and given back").containsExactly("request", "release");
            }
            assertThat(said(b)).contains("polite: Received report.bin from " + name(a) + ".");
            assertThat(said(a)).contains("polite: " + name(b) + " received report.bin.");

            Locator share = b.page.getByTestId("file-share");
            share.waitFor();
            assertThat(b.page.getByTestId("file-download").count()).isEqualTo(1);
            share.click();
            b.page.waitForFunction("() => window.__shared.length > 0");
            assertThat(b.page.evaluate("() => window.__shared")).isEqualTo(List.of("report.bin:" + bytes.length));

            String leaving = name(a);
            a.page.close();
            b.page.waitForFunction("() => window.__said.some(s => s.endsWith(' left the room.'))");
            assertThat(said(b)).contains("polite: " + leaving + " left the room.");
        }
    }

    @Test
    void aWakeLockTheBrowserDroppedWhileHiddenIsTakenAgainWhenThePageIsVisible() {
        String room = BrowserFixture.newRoom("v");
        try (RoomPage p = open(room, false)) {
            p.page.evaluate("async () => { const w = await import('/js/wakelock.js'); window.__release = w.holdWakeLock(); }");
            p.page.waitForFunction("() => window.__locks.length === 1");
            setHidden(p, true);
            p.page.evaluate("() => window.__lastLock.release()"); // what the browser does to a hidden page
            setHidden(p, false);
            p.page.waitForFunction("() => window.__locks.length === 3");
            assertThat(locks(p)).containsExactly("request", "release", "request");
            p.page.evaluate("() => { window.__release(); window.__release(); }");
            p.page.waitForFunction("() => window.__locks.length === 4");
            assertThat(locks(p)).containsExactly("request", "release", "request", "release");
            assertThat(p.page.evaluate("() => import('/js/wakelock.js').then(w => w.wakeLockHolds())")).isEqualTo(0);
        }
    }

    @Test
    void theScreenStaysOnWhileARecordingRuns() {
        String room = BrowserFixture.newRoom("r");
        try (RoomPage p = open(room, false)) {
            p.startRecording(0);
            p.page.waitForFunction("() => window.__locks.length === 1");
            p.page.waitForTimeout(1_500);
            assertThat(locks(p)).containsExactly("request");
            p.page.getByTestId("rec-stop").click();
            p.page.locator("[data-testid=rec-status][data-state=done]").waitFor();
            assertThat(locks(p)).containsExactly("request", "release");
        }
    }

    @Test
    void offerThumbnailsThatAreNotSmallJpegDataUrlsAreDropped() {
        String room = BrowserFixture.newRoom("t");
        try (RoomPage p = open(room, false)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> r = (Map<String, Object>) p.page.evaluate("async () => {"
                    + " const f = await import('/js/framing.js');"
                    + " const jpeg = 'data:image/jpeg;base64,/9j/' + 'A'.repeat(40);"
                    + " const big = 'data:image/jpeg;base64,/9j/' + 'A'.repeat(Math.ceil(16 * 1024 / 3) * 4);"
                    + " const offer = (thumb) => f.decodeControl(JSON.stringify({ t: 'offer', id: 'x1', slot: 1, name: 'a.png',"
                    + "   type: 'image/png', size: 10, sha256: '0'.repeat(64), thumb }));"
                    + " return { ok: offer(jpeg).thumb === jpeg, png: offer('data:image/png;base64,iVBORw0KGgo=').thumb ?? null,"
                    + "  svg: offer('data:image/svg+xml;base64,PHN2Zz4=').thumb ?? null, script: offer('javascript:alert(1)').thumb ?? null,"
                    + "  notJpeg: offer('data:image/jpeg;base64,iVBORw0KGgo=').thumb ?? null, junk: offer('data:image/jpeg;base64,/9j/<b>').thumb ?? null,"
                    + "  big: (() => { try { return offer(big).thumb ?? null; } catch (e) { return 'refused: ' + e.message; } })(),"
                    + "  offerKept: offer('javascript:alert(1)').name };"
                    + "}");
            assertThat(r).containsEntry("ok", true).containsEntry("png", null).containsEntry("svg", null)
                    .containsEntry("script", null).containsEntry("notJpeg", null).containsEntry("junk", null)
                    .containsEntry("offerKept", "a.png");
            assertThat(r.get("big")).satisfiesAnyOf(v -> assertThat(v).isNull(), v -> assertThat((String) v).startsWith("refused"));
        }
    }
}
