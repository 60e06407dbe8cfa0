package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.ServiceWorkerPolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files shared to the app while no service worker runs (first visit, worker blocked): the real form
 * POST to /share-target is answered by the server, the share page takes the files from the server's
 * inbox and the room picked stages them, as on the worker path (see PwaBrowserTest).
 */
@Tag("browser")
@Timeout(180)
class ShareTargetBrowserTest {
    @TempDir
    static Path dir;
    @RegisterExtension
    static final BrowserFixture web = BrowserFixture.serverAndChromium();

    @Test
    void filesSharedWithoutAServiceWorkerLandInTheRoomPickedOnTheSharePage() throws Exception {
        Path photo = PwaBrowserTest.png(dir.resolve("shared.png"));
        Path notes = dir.resolve("notes.txt");
        Files.writeString(notes, "shared notes\n");
        String room = BrowserFixture.newRoom("n");
        try (BrowserContext context = web.browser().newContext(
                new Browser.NewContextOptions().setServiceWorkers(ServiceWorkerPolicy.BLOCK))) {
            Page page = context.newPage();
            page.setDefaultTimeout(RoomPage.TIMEOUT_MS);
            page.navigate(web.server().url() + "/room/" + room);
            page.locator("[data-testid=connection][data-state=joined]").waitFor();
            assertThat(page.evaluate("() => navigator.serviceWorker ? navigator.serviceWorker.controller : null"))
                    .as("no worker controls the page").isNull();
            page.evaluate("() => { const f = document.createElement('form'); f.method = 'post'; f.action = '/share-target';"
                    + " f.enctype = 'multipart/form-data'; const i = document.createElement('input'); i.type = 'file';"
                    + " i.name = 'files'; i.multiple = true; i.id = 'share-files'; const t = document.createElement('input');"
                    + " t.name = 'text'; t.value = 'look at these'; f.append(i, t); document.body.append(f); }");
            page.setInputFiles("#share-files", new Path[] {photo, notes});
            page.evaluate("() => document.getElementById('share-files').form.submit()");
            page.waitForURL("**/share.html?inbox=*");
            String inbox = page.url().substring(page.url().indexOf("inbox=") + 6);
            page.getByTestId("shared-file").nth(1).waitFor();
            assertThat(page.getByTestId("shared-files").textContent()).contains("shared.png", "notes.txt");
            page.waitForFunction("() => location.search.startsWith('?id=')");
            assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(web.server().url() + "/api/share-inbox/" + inbox)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()).as("taken from the server").isEqualTo(404);
            page.locator("[data-testid=recent-room][data-room=" + room + "]").click();

            page.waitForURL("**/room/" + room + "?shared=*");
            page.getByTestId("staged-file").nth(1).waitFor();
            assertThat(page.getByTestId("files-staged").textContent()).contains("shared.png", "notes.txt");
            page.waitForFunction("() => document.querySelector('[data-testid=photo-preview]').dataset.sha256");
            assertThat(page.getByTestId("photo-preview").getAttribute("data-sha256"))
                    .isEqualTo(RoomPage.sha256(Files.readAllBytes(photo)));
            assertThat(page.getByTestId("chat-input").inputValue()).isEqualTo("look at these");
        }
    }
}
