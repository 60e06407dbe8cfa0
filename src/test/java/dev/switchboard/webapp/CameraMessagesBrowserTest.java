package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.microsoft.playwright.Locator;
import dev.switchboard.testing.Chromium;
import dev.switchboard.testing.TestServer;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a person sees when the camera cannot be used: a denied permission, or a page that is not secure. */
@Timeout(120)
class CameraMessagesBrowserTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        assumeTrue(Chromium.available(), "needs /usr/bin/chromium");
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void deniedPermissionExplainsHowToAllowTheCamera() {
        // The last --use-fake-ui-for-media-stream wins: "deny" makes the fake prompt refuse.
        try (Chromium chromium = Chromium.launch(null, "--use-fake-ui-for-media-stream=deny");
             RoomPage p = RoomPage.open(chromium.browser(), server.url(), "c-" + UUID.randomUUID().toString().substring(0, 8), null)) {
            Locator msg = p.page.getByTestId("camera-message");
            msg.waitFor();
            assertThat(msg.getAttribute("data-code")).isEqualTo("denied");
            assertThat(msg.innerText()).contains("permission was denied").contains("Retry camera");
            assertThat(p.page.getByTestId("camera-retry").isVisible()).isTrue();
            assertThat(p.page.getByTestId("snap").isDisabled()).isTrue();
            // choosing a file still works without a camera
            assertThat(p.page.getByTestId("file-input").isEnabled()).isTrue();
        }
    }

    @Test
    void aPlainHttpHostExplainsThatTheCameraNeedsHttps() {
        // A name other than localhost over http:// is not a secure context; map it to the test server.
        String rules = "--host-resolver-rules=MAP switchboard.test 127.0.0.1 , MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1";
        try (Chromium chromium = Chromium.launch(null, rules);
             RoomPage p = RoomPage.open(chromium.browser(), "http://switchboard.test:" + server.httpPort(),
                     "c-" + UUID.randomUUID().toString().substring(0, 8), null)) {
            assertThat(p.page.evaluate("() => window.isSecureContext")).isEqualTo(false);
            Locator msg = p.page.getByTestId("camera-message");
            msg.waitFor();
            assertThat(msg.getAttribute("data-code")).isEqualTo("insecure");
            assertThat(msg.innerText()).contains("HTTPS");
            assertThat(p.page.getByTestId("snap").isDisabled()).isTrue();
        }
    }
}
