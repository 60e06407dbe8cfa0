package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import dev.switchboard.testing.Chromium;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a person sees when the camera cannot be used: a denied permission, or a page that is not secure. */
@Tag("browser")
@Timeout(120)
class CameraMessagesBrowserTest {
    @RegisterExtension
    static final BrowserFixture web = BrowserFixture.serverOnly().rooms("c");

    @Test
    void deniedPermissionExplainsHowToAllowTheCamera() {
        // The last --use-fake-ui-for-media-stream wins: "deny" makes the fake prompt refuse.
        try (Chromium chromium = Chromium.launch(null, "--use-fake-ui-for-media-stream=deny");
             RoomPage p = RoomPage.open(chromium.browser(), web.server().url(), web.newRoom(), null)) {
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
             RoomPage p = RoomPage.open(chromium.browser(), "http://switchboard.test:" + web.server().httpPort(),
                     web.newRoom(), null)) {
            assertThat(p.page.evaluate("() => window.isSecureContext")).isEqualTo(false);
            Locator msg = p.page.getByTestId("camera-message");
            msg.waitFor();
            assertThat(msg.getAttribute("data-code")).isEqualTo("insecure");
            assertThat(msg.innerText()).contains("HTTPS");
            assertThat(p.page.getByTestId("snap").isDisabled()).isTrue();
        }
    }
}
