package dev.switchboard.webapp;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import dev.switchboard.testing.Chromium;
import dev.switchboard.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the browser test classes share, as a JUnit extension on a static field: one TestServer and one
 * headless Chromium for the whole class (or just one of the two), started before the first test and
 * closed after the last; the class is skipped where Chromium is not installed. A class says only what
 * is its own: server settings, a fake camera clip, extra Chromium flags.
 * <pre>
 * {@literal @}RegisterExtension
 * static final BrowserFixture web = BrowserFixture.serverAndChromium().camera(320, 240, 3).rooms("t");
 * </pre>
 */
final class BrowserFixture implements BeforeAllCallback, AfterAllCallback {
    private final boolean withServer;
    private final boolean withChromium;
    private Map<String, Object> settings = Map.of();
    private int[] camera;
    private String[] args = {};
    private String roomPrefix = "r";
    private TestServer server;
    private Chromium chromium;
    private Path dir;

    private BrowserFixture(boolean withServer, boolean withChromium) {
        this.withServer = withServer;
        this.withChromium = withChromium;
    }

    static BrowserFixture serverAndChromium() {
        return new BrowserFixture(true, true);
    }

    /** For classes that start a server of their own in each test. */
    static BrowserFixture chromiumOnly() {
        return new BrowserFixture(false, true);
    }

    /** For classes that launch a Chromium of their own (with flags of their own) in each test. */
    static BrowserFixture serverOnly() {
        return new BrowserFixture(true, false);
    }

    /** The server's settings (TestServer.start(settings)). */
    BrowserFixture settings(Map<String, Object> settings) {
        this.settings = settings;
        return this;
    }

    /** A fake camera showing a {@code width}x{@code height} clip of {@code frames} frames (FakeVideo). */
    BrowserFixture camera(int width, int height, int frames) {
        return camera(width, height, frames, 10);
    }

    /** As above, played at {@code fps} frames per second. */
    BrowserFixture camera(int width, int height, int frames, int fps) {
        this.camera = new int[] {width, height, frames, fps};
        return this;
    }

    /** What the names of this class's rooms start with (newRoom()), so a log tells whose room it was. */
    BrowserFixture rooms(String prefix) {
        this.roomPrefix = prefix;
        return this;
    }

    /** Extra Chromium command-line flags. */
    BrowserFixture args(String... args) {
        this.args = args;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        assumeTrue(Chromium.available(), "needs /usr/bin/chromium");
        if (withServer) {
            server = settings.isEmpty() ? TestServer.start() : TestServer.start(settings);
        }
        if (withChromium) {
            Path clip = null;
            if (camera != null) {
                dir = Files.createTempDirectory("browser-fixture");
                clip = FakeVideo.write(dir.resolve("camera.y4m"), camera[0], camera[1], camera[2], camera[3]);
            }
            chromium = Chromium.launch(clip, args);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (chromium != null) {
            chromium.close();
            chromium = null;
        }
        if (server != null) {
            server.close();
            server = null;
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            dir = null;
        }
    }

    TestServer server() {
        return server;
    }

    Browser browser() {
        return chromium.browser();
    }

    /** A page of its own on the server's origin (a secure context), for tests that import modules directly. */
    Page originPage() {
        Page page = browser().newPage();
        page.setDefaultTimeout(30_000);
        page.navigate(server.url() + "/healthz");
        return page;
    }

    /** One person on the room page of {@code room}. */
    RoomPage open(String room) {
        return open(room, null);
    }

    /** As above, with {@code query} ("?relay=1", say) after the room's path. */
    RoomPage open(String room, String query) {
        return RoomPage.open(browser(), server.url(), room, query);
    }

    /**
     * As {@link #open(String, String)}, but the page is told there are no ICE servers: with {@code ?relay=1}
     * it then has no candidate at all, so its peer channels never open (the server paths take over).
     * The built-in TURN server would otherwise relay between two pages on this machine.
     */
    RoomPage openWithoutIceServers(String room, String query) {
        return RoomPage.open(browser(), server.url(), room, query, BrowserFixture::noIceServers);
    }

    /** Answers the pages of {@code context} that there are no ICE servers (see {@link #openWithoutIceServers}). */
    static void noIceServers(com.microsoft.playwright.BrowserContext context) {
        context.route("**/api/ice-servers", route -> route.fulfill(new com.microsoft.playwright.Route.FulfillOptions()
                .setStatus(200).setContentType("application/json").setBody("{\"iceServers\":[]}")));
    }

    /** A room name no other test uses, with this class's prefix. */
    String newRoom() {
        return newRoom(roomPrefix);
    }

    /** A room name no other test uses: {@code prefix}, a dash and eight random characters. */
    static String newRoom(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
