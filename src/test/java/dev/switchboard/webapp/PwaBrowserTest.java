package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installable app in real headless Chromium: the manifest and the service worker the server
 * serves, the shell opening offline from the versioned cache (old caches gone), and files shared to
 * the app (a multipart POST to the share target) landing in the room picked on the share page.
 */
@Tag("browser")
@Timeout(180)
class PwaBrowserTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    @RegisterExtension
    static final BrowserFixture web = BrowserFixture.serverAndChromium();

    static HttpResponse<byte[]> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(web.server().url() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static String text(HttpResponse<byte[]> res) {
        return new String(res.body(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A 640x480 PNG with a colour gradient: an image worth a thumbnail. */
    static Path png(Path file) throws Exception {
        BufferedImage img = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 480; y++) {
            for (int x = 0; x < 640; x++) {
                img.setRGB(x, y, new Color(x * 255 / 639, y * 255 / 479, 128).getRGB());
            }
        }
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    @Test
    void theManifestAndTheServiceWorkerMakeTheAppInstallable() throws Exception {
        HttpResponse<byte[]> res = get("/manifest.webmanifest");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).hasValue("application/manifest+json");
        JsonNode m = JSON.readTree(res.body());
        assertThat(m.path("name").asText()).isEqualTo("Switchboard");
        assertThat(m.path("start_url").asText()).isEqualTo("/");
        assertThat(m.path("display").asText()).isEqualTo("standalone");
        assertThat(m.path("theme_color").asText()).matches("#[0-9a-f]{6}");
        List<String> maskable = new ArrayList<>();
        for (JsonNode icon : m.path("icons")) {
            HttpResponse<byte[]> file = get(icon.path("src").asText());
            assertThat(file.statusCode()).as(icon.toString()).isEqualTo(200);
            assertThat(file.headers().firstValue("content-type")).hasValue(icon.path("type").asText());
            if (icon.path("purpose").asText().contains("maskable")) {
                maskable.add(icon.path("sizes").asText());
                BufferedImage img = ImageIO.read(new java.io.ByteArrayInputStream(file.body()));
                assertThat(img.getWidth() + "x" + img.getHeight()).isEqualTo(icon.path("sizes").asText());
            }
        }
        assertThat(maskable).contains("192x192", "512x512");
        JsonNode share = m.path("share_target");
        assertThat(share.path("method").asText()).isEqualTo("POST");
        assertThat(share.path("enctype").asText()).isEqualTo("multipart/form-data");
        assertThat(share.path("params").path("files").get(0).path("accept").toString()).contains("*/*");
        assertThat(share.path("params").path("text").asText()).isEqualTo("text");

        HttpResponse<byte[]> sw = get("/sw.js");
        assertThat(sw.statusCode()).isEqualTo(200);
        assertThat(sw.headers().firstValue("content-type").orElse("")).startsWith("text/javascript");
        assertThat(text(sw)).containsPattern("\"version\": \"[0-9a-f]{16}\"").doesNotContain("unversioned")
                .contains("\"/room.html\"", "\"/js/room.js\"", "\"/socket.io/socket.io.esm.min.js\"");
        for (String page : List.of("/", "/room/abc", "/share.html")) {
            assertThat(text(get(page))).as(page).contains("<link rel=\"manifest\" href=\"/manifest.webmanifest\">");
        }
    }

    @Test
    void aRoomPageOpensOfflineFromTheShellAndSaysItIsOffline() throws Exception {
        String room = BrowserFixture.newRoom("o");
        try (BrowserContext context = web.browser().newContext()) {
            Page page = context.newPage();
            page.setDefaultTimeout(RoomPage.TIMEOUT_MS);
            page.navigate(web.server().url() + "/healthz"); // a document of the origin before any worker runs
            page.evaluate("() => caches.open('switchboard-shell-0000000000000000').then(c => c.put('/old', new Response('old')))");
            page.navigate(web.server().url() + "/room/" + room);
            page.locator("[data-testid=connection][data-state=joined]").waitFor();
            assertThat(page.getByTestId("offline").isVisible()).isFalse();
            page.waitForFunction("() => navigator.serviceWorker.controller !== null");
            String version = text(get("/sw.js")).replaceAll("(?s).*\"version\": \"([0-9a-f]{16})\".*", "$1");
            @SuppressWarnings("unchecked")
            List<String> caches = (List<String>) page.evaluate("() => caches.keys()");
            assertThat(caches).containsExactly("switchboard-shell-" + version);
            Number cached = (Number) page.evaluate("n => caches.open(n).then(c => c.keys()).then(k => k.length)",
                    "switchboard-shell-" + version);
            assertThat(cached.intValue()).isGreaterThan(40);
            System.out.printf("offline shell: version %s, %d files cached%n", version, cached.intValue());

            context.setOffline(true);
            page.reload();
            page.getByTestId("offline").waitFor();
            assertThat(page.getByTestId("offline").textContent()).contains("offline");
            assertThat(page.getByTestId("files-input").count()).isEqualTo(1);
            assertThat(page.title()).contains(room);
            assertThat((Boolean) page.evaluate("() => fetch('/api/ice-servers').then(() => false, () => true)"))
                    .as("the API is never answered from the cache").isTrue();

            context.setOffline(false);
            page.waitForFunction("() => document.documentElement.dataset.online === 'true'");
            page.locator("[data-testid=connection][data-state=joined]").waitFor();
        }
    }

    @Test
    void filesSharedToTheAppLandInTheRoomPickedOnTheSharePage() throws Exception {
        Path photo = png(dir.resolve("shared.png"));
        Path notes = dir.resolve("notes.txt");
        Files.writeString(notes, "shared notes\n");
        String room = BrowserFixture.newRoom("s");
        try (BrowserContext context = web.browser().newContext()) {
            Page page = context.newPage();
            page.setDefaultTimeout(RoomPage.TIMEOUT_MS);
            page.navigate(web.server().url() + "/room/" + room);
            page.locator("[data-testid=connection][data-state=joined]").waitFor();
            page.waitForFunction("() => navigator.serviceWorker.controller !== null");
            // what the system share sheet does: a multipart POST navigation to the manifest's action
            page.evaluate("() => { const f = document.createElement('form'); f.method = 'post'; f.action = '/share-target';"
                    + " f.enctype = 'multipart/form-data'; const i = document.createElement('input'); i.type = 'file';"
                    + " i.name = 'files'; i.multiple = true; i.id = 'share-files'; const t = document.createElement('input');"
                    + " t.name = 'text'; t.value = 'look at these'; f.append(i, t); document.body.append(f); }");
            page.setInputFiles("#share-files", new Path[] {photo, notes});
            page.evaluate("() => document.getElementById('share-files').form.submit()");
            page.waitForURL("**/share.html?id=*");
            page.getByTestId("shared-file").nth(1).waitFor();
            assertThat(page.getByTestId("shared-files").textContent()).contains("shared.png", "notes.txt");
            page.locator("[data-testid=recent-room][data-room=" + room + "]").click();

            page.waitForURL("**/room/" + room + "?shared=*");
            page.getByTestId("staged-file").nth(1).waitFor();
            assertThat(page.getByTestId("files-staged").textContent()).contains("shared.png", "notes.txt");
            page.waitForFunction("() => document.querySelector('[data-testid=photo-preview]').dataset.sha256");
            assertThat(page.getByTestId("photo-preview").getAttribute("data-sha256"))
                    .isEqualTo(RoomPage.sha256(Files.readAllBytes(photo)));
            assertThat(page.getByTestId("chat-input").inputValue()).isEqualTo("look at these");
            // taken: the share is gone from the inbox, so a reload does not bring it twice
            assertThat(page.evaluate("() => import('/js/shared-inbox.js').then(m => m.loadShare("
                    + "new URLSearchParams(location.search).get('shared')))")).isNull();
        }
    }
}
