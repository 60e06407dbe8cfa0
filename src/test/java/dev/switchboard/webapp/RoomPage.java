package dev.switchboard.webapp;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.WaitForSelectorState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One person in a room: a browser context of its own (its own storage and permissions) on the room
 * page, and the actions and reads the tests need, all through the page's data-testid hooks.
 */
final class RoomPage implements AutoCloseable {
    static final double TIMEOUT_MS = 20_000;

    final BrowserContext context;
    final Page page;
    final List<String> problems = new ArrayList<>();
    final List<String> console = new ArrayList<>();

    private RoomPage(BrowserContext context, Page page) {
        this.context = context;
        this.page = page;
    }

    static RoomPage open(Browser browser, String baseUrl, String room, String query) {
        return open(browser, baseUrl, room, query, c -> {});
    }

    /** As above, with {@code setup} applied to the new context first (permissions, init scripts). */
    static RoomPage open(Browser browser, String baseUrl, String room, String query,
            java.util.function.Consumer<BrowserContext> setup) {
        BrowserContext context = browser.newContext(new Browser.NewContextOptions().setAcceptDownloads(true));
        setup.accept(context);
        Page page = context.newPage();
        page.setDefaultTimeout(TIMEOUT_MS);
        RoomPage p = new RoomPage(context, page);
        page.onConsoleMessage(m -> {
            p.console.add(m.type() + ": " + m.text());
            boolean missingResource = m.text().startsWith("Failed to load resource");
            if ((m.type().equals("error") && !missingResource) || m.text().contains("Content Security Policy")) {
                p.problems.add(m.text());
            }
        });
        page.onPageError(e -> p.problems.add("page error: " + e));
        page.navigate(baseUrl + "/room/" + room + (query == null ? "" : query));
        p.waitJoined();
        return p;
    }

    /** The room page of {@code room}, loaded but not waited on to join (a full room, a bad name). */
    static RoomPage load(Browser browser, String baseUrl, String room) {
        BrowserContext context = browser.newContext(new Browser.NewContextOptions().setAcceptDownloads(true));
        Page page = context.newPage();
        page.setDefaultTimeout(TIMEOUT_MS);
        RoomPage p = new RoomPage(context, page);
        page.onConsoleMessage(m -> p.console.add(m.type() + ": " + m.text()));
        page.onPageError(e -> p.problems.add("page error: " + e));
        page.navigate(baseUrl + "/room/" + room);
        return p;
    }

    void waitJoined() {
        page.locator("[data-testid=connection][data-state=joined]").waitFor();
    }

    /** Waits until this page shows {@code n} other peers, all with a data channel state of connected. */
    void waitConnectedTo(int n) {
        page.waitForFunction("n => { const s = [...document.querySelectorAll('[data-testid=peer-state]')];"
                + " return s.length === n && s.every(e => e.dataset.state === 'connected' || e.dataset.state === 'relayed'); }",
                n, new Page.WaitForFunctionOptions().setTimeout(TIMEOUT_MS));
    }

    /** Takes a snapshot and waits for its preview; returns the snapshot's SHA-256 as the page computed it. */
    String snap() {
        Locator preview = page.getByTestId("photo-preview");
        String before = preview.getAttribute("data-sha256");
        page.getByTestId("snap").click();
        page.waitForFunction("b => { const s = document.querySelector('[data-testid=photo-preview]').dataset.sha256;"
                + " return s && s !== b; }", before == null ? "" : before);
        return preview.getAttribute("data-sha256");
    }

    /** Picks a file through the file input; returns its SHA-256 as the page computed it. */
    String choose(Path file) {
        Locator preview = page.getByTestId("photo-preview");
        String before = preview.getAttribute("data-sha256");
        page.getByTestId("file-input").setInputFiles(file);
        page.waitForFunction("b => { const s = document.querySelector('[data-testid=photo-preview]').dataset.sha256;"
                + " return s && s !== b; }", before == null ? "" : before, new Page.WaitForFunctionOptions().setTimeout(TIMEOUT_MS));
        return preview.getAttribute("data-sha256");
    }

    void send() {
        page.getByTestId("send-photo").click();
    }

    /** The n-th (0 = newest) verified received photo, once it is there. */
    Locator received(int index) {
        Locator l = page.getByTestId("received-photo").nth(index);
        l.waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.ATTACHED).setTimeout(TIMEOUT_MS));
        return l;
    }

    /** Downloads the newest received photo through its Download link and hashes the bytes here. */
    String downloadNewestAndHash() throws IOException {
        Locator link = page.locator(".card.incoming").first().getByText("Download");
        Download d = page.waitForDownload(link::click);
        return sha256(Files.readAllBytes(d.path()));
    }

    /**
     * Waits for the camera preview, then starts recording it, uploaded in parts of {@code partBytes}
     * (0 keeps the page's own part size), and waits until the page says it is recording.
     */
    void startRecording(int partBytes) {
        page.waitForFunction("() => { const v = document.getElementById('video');"
                + " return v && v.srcObject && v.readyState >= 2; }");
        if (partBytes > 0) {
            page.evaluate("(n) => { document.getElementById('recorder').dataset.partBytes = String(n); }", partBytes);
        }
        page.getByTestId("rec-start").click();
        page.locator("[data-testid=rec-status][data-state=recording]").waitFor();
    }

    /** This page at a size of its own: 390x844 (a phone) or 1280x800, say. */
    RoomPage viewport(int width, int height) {
        page.setViewportSize(width, height);
        return this;
    }

    /** Whether {@code l}'s box lies wholly inside the viewport as the page is scrolled now (not only in the DOM). */
    boolean inViewport(Locator l) {
        com.microsoft.playwright.options.BoundingBox box = l.boundingBox();
        com.microsoft.playwright.options.ViewportSize v = page.viewportSize();
        return box != null && box.width > 0 && box.height > 0 && box.x >= 0 && box.y >= 0
                && box.x + box.width <= v.width + 0.5 && box.y + box.height <= v.height + 0.5;
    }

    /**
     * Whether {@code l} is in the viewport and on top there: the element at the middle of its box is it
     * or inside it (no toast, bar or tile drawn over it).
     */
    boolean onScreen(Locator l) {
        return inViewport(l) && (Boolean) l.evaluate("e => { const r = e.getBoundingClientRect();"
                + " return e.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)); }");
    }

    /** The problem boxes (class "message") drawn on the page with nothing in them; there should be none. */
    long emptyMessageBoxes() {
        return ((Number) page.evaluate("() => [...document.querySelectorAll('.message')].filter(e => {"
                + " const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && e.checkVisibility()"
                + " && e.textContent.trim() === ''; }).length")).longValue();
    }

    /** Makes the page believe it is hidden (another tab in front) or visible again, as document.hidden reads. */
    void setHidden(boolean hidden) {
        page.evaluate("h => { for (const [k, v] of [['hidden', h], ['visibilityState', h ? 'hidden' : 'visible']])"
                + " Object.defineProperty(document, k, { configurable: true, get: () => v });"
                + " document.dispatchEvent(new Event('visibilitychange')); }", hidden);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the page shows and logged, for the test output when something went wrong. */
    String describe() {
        try {
            return page.url() + "\n" + page.locator("main").innerText() + "\nconsole:\n" + String.join("\n", console);
        } catch (RuntimeException e) {
            return page.url() + " (page gone: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        System.out.println("---- " + describe());
        context.close();
    }
}
