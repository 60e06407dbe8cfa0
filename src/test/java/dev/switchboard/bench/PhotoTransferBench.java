package dev.switchboard.bench;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import dev.switchboard.testing.Chromium;
import dev.switchboard.testing.TestServer;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * End-to-end photo latency in the web app: from the click on "send" in page A to the photo verified
 * (size and SHA-256) in page B, for photos of about 100 KB, 1 MB and 5 MB, between two pages of one
 * headless Chromium on loopback. Both timestamps come from the pages' own clocks (epoch milliseconds
 * from performance.timeOrigin + performance.now(), one machine). The server copy uploads at the same
 * time, as it does in real use.
 * <p>
 * Run: {@code mvn -o -q test-compile exec:java -Dexec.mainClass=dev.switchboard.bench.PhotoTransferBench
 * -Dexec.classpathScope=test [-Dexec.args="RUNS [MESSAGE_BYTES]"]}, ideally inside {@code unshare -n} (loopback only).
 */
public final class PhotoTransferBench {
    private PhotoTransferBench() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int chunk = args.length > 1 ? Integer.parseInt(args[1]) : 0; // a message-size cap (?chunk=), 0: the app's default
        Path dir = Files.createTempDirectory("photo-bench");
        int[][] sizes = {{185, 185}, {580, 580}, {1300, 1300}}; // noise PNGs: about 100 KB, 1 MB, 5 MB
        try (TestServer server = TestServer.start(); Chromium chromium = Chromium.launch(null)) {
            Browser browser = chromium.browser();
            String room = "bench-" + Long.toHexString(System.nanoTime());
            String query = chunk > 0 ? "?chunk=" + chunk : "";
            Page a = open(browser, server.url(), room + query);
            Page b = open(browser, server.url(), room + query);
            for (Page p : List.of(a, b)) {
                p.waitForFunction("() => document.querySelector('[data-testid=peer-state]')?.dataset.state === 'connected'");
            }
            System.out.printf("Chromium %s, %d runs per size after 2 warm-up runs, path: direct (host candidates on loopback), "
                    + "message size: %s%n", browser.version(), runs, chunk > 0 ? "capped at " + chunk : "default (up to 256 KiB)");
            System.out.println("size_bytes  min_ms  median_ms  p90_ms  max_ms  MB/s(median)");
            int sent = 0;
            for (int[] wh : sizes) {
                Path file = noisePng(dir.resolve("p" + wh[0] + ".png"), wh[0], wh[1]);
                long size = Files.size(file);
                a.getByTestId("file-input").setInputFiles(file);
                a.waitForFunction("() => !!document.querySelector('[data-testid=photo-preview]').dataset.sha256 "
                        + "&& document.querySelector('#photo-caption').textContent.startsWith('" + file.getFileName() + "')");
                List<Double> ms = new ArrayList<>();
                for (int i = 0; i < runs + 2; i++) {
                    a.getByTestId("send-photo").click();
                    sent++;
                    int expected = sent;
                    b.waitForFunction("n => document.querySelectorAll('.card.incoming[data-verified-at]').length >= n", expected);
                    a.waitForFunction("() => { const r = document.querySelector('.card.outgoing .row:not([data-peer])');"
                            + " return r && ['saved', 'failed'].includes(r.dataset.state); }");
                    double clicked = Double.parseDouble((String) a.evaluate("() => document.querySelector('.card.outgoing').dataset.clickedAt"));
                    double verified = Double.parseDouble((String) b.evaluate("() => document.querySelector('.card.incoming').dataset.verifiedAt"));
                    if (i >= 2) {
                        ms.add(verified - clicked);
                    }
                }
                Collections.sort(ms);
                double median = ms.get(ms.size() / 2);
                System.out.printf("%10d  %6.0f  %9.0f  %6.0f  %6.0f  %12.1f%n", size, ms.get(0), median,
                        ms.get((int) Math.ceil(ms.size() * 0.9) - 1), ms.get(ms.size() - 1), size / 1e6 / (median / 1000));
            }
        }
    }

    private static Page open(Browser browser, String base, String room) {
        BrowserContext context = browser.newContext();
        Page page = context.newPage();
        page.setDefaultTimeout(60_000);
        page.navigate(base + "/room/" + room);
        page.locator("[data-testid=connection][data-state=joined]").waitFor();
        return page;
    }

    private static Path noisePng(Path file, int width, int height) throws Exception {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(width);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        ImageIO.write(img, "png", file.toFile());
        return file;
    }
}
