package dev.switchboard.testing;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Headless Debian Chromium driven by Playwright, with the flags that keep every packet on loopback and
 * give pages a fake camera and microphone (see the testing notes in docs/testing.md):
 * no background networking, every host name but localhost unresolvable, loopback host candidates
 * allowed and not hidden behind mDNS names.
 * <p>
 * Chromium honours only the last {@code --disable-features}, so Playwright's own default switch is
 * dropped and passed again merged with {@code WebRtcHideLocalIpsWithMdns}.
 */
public final class Chromium implements AutoCloseable {
    public static final Path EXECUTABLE = Path.of(System.getProperty("chromium.path", "/usr/bin/chromium"));

    /** The features Playwright 1.62 disables by default, as listed in its chromium switches. */
    private static final List<String> PLAYWRIGHT_DISABLED_FEATURES = List.of(
            "AvoidUnnecessaryBeforeUnloadCheckSync", "BoundaryEventDispatchTracksNodeRemoval",
            "DestroyProfileOnBrowserClose", "DialMediaRouteProvider", "GlobalMediaControls", "HttpsUpgrades",
            "LensOverlay", "MediaRouter", "PaintHolding", "ThirdPartyStoragePartitioning",
            "BlockOriginHeaderModificationOnRedirect", "Translate", "AutoDeElevate", "OptimizationHints",
            "msForceBrowserSignIn", "msEdgeUpdateLaunchServicesPreferredVersion");

    private final Playwright playwright;
    private final Browser browser;

    private Chromium(Playwright playwright, Browser browser) {
        this.playwright = playwright;
        this.browser = browser;
    }

    public static boolean available() {
        return Files.isExecutable(EXECUTABLE);
    }

    /** Launches with a fake camera; {@code fakeVideo} (a .y4m file) makes every frame reproducible, or null. */
    public static Chromium launch(Path fakeVideo, String... extraArgs) {
        return launchAt(EXECUTABLE, fakeVideo, extraArgs);
    }

    /**
     * As {@link #launch}, with another executable: a wrapper script that starts Chromium somewhere else
     * (in a network namespace, say) and passes its arguments and pipes through.
     */
    public static Chromium launchAt(Path executable, Path fakeVideo, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of(
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--allow-loopback-in-peer-connection",
                "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
                "--disable-features=" + String.join(",", PLAYWRIGHT_DISABLED_FEATURES) + ",WebRtcHideLocalIpsWithMdns"));
        if (fakeVideo != null) {
            args.add("--use-file-for-fake-video-capture=" + fakeVideo.toAbsolutePath());
        }
        args.addAll(List.of(extraArgs));
        Playwright pw = Playwright.create(new Playwright.CreateOptions()
                .setEnv(java.util.Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        try {
            Browser b = pw.chromium().launch(new BrowserType.LaunchOptions()
                    .setExecutablePath(executable)
                    .setHeadless(true)
                    .setIgnoreDefaultArgs(List.of("--disable-features=" + String.join(",", PLAYWRIGHT_DISABLED_FEATURES)))
                    .setArgs(args)
                    .setTimeout(60_000));
            return new Chromium(pw, b);
        } catch (RuntimeException e) {
            pw.close();
            throw e;
        }
    }

    public Browser browser() {
        return browser;
    }

    @Override
    public void close() {
        try {
            browser.close();
        } finally {
            playwright.close();
        }
    }
}
