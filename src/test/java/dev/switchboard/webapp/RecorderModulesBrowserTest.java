package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The recorder's pure parts in the browser as the app loads them: the incremental SHA-256 against
 * Web Crypto, and the offset-append uploader against the real server with a network that fails.
 */
@Tag("browser")
@Timeout(120)
class RecorderModulesBrowserTest {
    @RegisterExtension
    static final BrowserFixture web = BrowserFixture.serverAndChromium();
    Page page;

    @BeforeEach
    void page() {
        page = web.originPage();
    }

    @Test
    void incrementalSha256MatchesWebCryptoForEverySplit() {
        Object r = page.evaluate("""
                async () => {
                  const { Sha256 } = await import('/js/sha256.js');
                  const hex = (b) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');
                  const bad = [];
                  for (const n of [0, 1, 55, 56, 63, 64, 65, 127, 128, 1000, 65537, 300001]) {
                    const data = new Uint8Array(n);
                    for (let i = 0; i < n; i++) data[i] = (i * 31 + n) & 255;
                    const want = hex(await crypto.subtle.digest('SHA-256', data));
                    const h = new Sha256();
                    for (let i = 0, step = 1; i < n; i += step, step = (step * 7 + 3) % 5000 + 1) {
                      h.update(data.subarray(i, Math.min(n, i + step)));
                    }
                    const got = h.hex();
                    if (got !== want) bad.push(n + ': ' + got + ' != ' + want);
                  }
                  return bad.join('\\n');
                }""");
        assertThat(r).isEqualTo("");
    }

    @Test
    void theUploaderResumesFromTheServerOffsetAfterFailures() {
        Object r = page.evaluate("""
                async () => {
                  const { RecordingUpload } = await import('/js/recorder.js');
                  let calls = 0;
                  // Every third PUT fails: half of them after the server took the bytes, half before.
                  const flaky = async (url, init) => {
                    if (init && init.method === 'PUT' && ++calls % 3 === 0) {
                      if (calls % 2 === 0) {
                        await fetch(url, init);
                      }
                      throw new TypeError('network down');
                    }
                    return fetch(url, init);
                  };
                  const u = new RecordingUpload('flaky', 'video/webm',
                      { fetchFn: flaky, sleep: () => Promise.resolve(), partBytes: 10000 });
                  await u.open();
                  const head = new Uint8Array([0x1a, 0x45, 0xdf, 0xa3]);
                  const all = [head];
                  await u.add(new Blob([head]));
                  for (let i = 0; i < 40; i++) {
                    const b = new Uint8Array(3000 + i * 17);
                    b.fill(i);
                    all.push(b);
                    await u.add(new Blob([b]));
                  }
                  const media = await u.finish();
                  const whole = new Uint8Array(await new Blob(all).arrayBuffer());
                  const hex = [...new Uint8Array(await crypto.subtle.digest('SHA-256', whole))]
                      .map((x) => x.toString(16).padStart(2, '0')).join('');
                  const served = new Uint8Array(await (await fetch(media.url)).arrayBuffer());
                  return [media.kind, media.size === whole.length, media.sha256 === hex, served.length === whole.length,
                      calls > 6].join(',');
                }""");
        assertThat(r).isEqualTo("recording,true,true,true,true");
    }
}
