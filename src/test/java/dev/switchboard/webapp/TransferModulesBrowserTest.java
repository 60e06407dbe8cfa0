package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The web app's camera error messages and the transfer engine, run in the browser as the app loads them;
 * the engine over a real pair of RTCPeerConnections inside one page. The pure modules (framing, chunk
 * planning, hashing, type sniffing) are tested with Node's test runner: src/test/js/unit/.
 */
@Tag("browser")
@Timeout(120)
class TransferModulesBrowserTest {
    @RegisterExtension
    static final BrowserFixture web = BrowserFixture.serverAndChromium();
    Page page;

    @BeforeEach
    void page() {
        page = web.originPage();
    }

    Object js(String body) {
        return page.evaluate(body);
    }

    @Test
    void cameraErrorsGetAPlainMessageEach() {
        Object r = js("""
                async () => {
                  const c = await import('/js/camera.js');
                  const code = (name) => c.describeMediaError(new DOMException('x', name)).code;
                  return [code('NotAllowedError'), code('SecurityError'), code('NotFoundError'), code('OverconstrainedError'),
                          code('NotReadableError'), code('TypeError'),
                          c.cameraUnavailable({isSecureContext: false, navigator: {}}).code,
                          c.cameraUnavailable({isSecureContext: true, navigator: {}}).code,
                          String(c.cameraUnavailable(window))].join(',');
                }""");
        assertThat(r).isEqualTo("denied,denied,no-camera,no-camera,busy,error,insecure,unsupported,null");
    }

    /**
     * In-page helper: two connected RTCPeerConnections with the app's channel pair and a TransferLink at each
     * end. {@code pair({paced: true})} puts a pacer in front of the sender's data channel: it hands the real
     * channel at most 64 KiB per 10 ms tick and counts what it still holds in bufferedAmount, so a sender on an
     * in-page loopback cannot push a whole transfer out before a message from the receiver gets back to it.
     */
    static final String PAIR = """
            class Paced extends EventTarget {
              constructor(ch) {
                super(); this.ch = ch; this.held = []; this.heldBytes = 0; this.bufferedAmountLowThreshold = 0;
                let wasAbove = false;
                for (const type of ['message', 'close', 'open']) {
                  ch.addEventListener(type, (e) => this.dispatchEvent(type === 'message' ? new MessageEvent('message', {data: e.data}) : new Event(type)));
                }
                let credit = 0;
                this.timer = setInterval(() => {
                  credit = Math.min(credit + 65536, 262144);
                  while (this.held.length > 0 && ch.readyState === 'open' && credit >= this.held[0].size) {
                    const next = this.held.shift(); credit -= next.size; this.heldBytes -= next.size; ch.send(next.m);
                  }
                  const above = this.bufferedAmount > this.bufferedAmountLowThreshold;
                  if (wasAbove && !above) this.dispatchEvent(new Event('bufferedamountlow'));
                  wasAbove = above;
                  if (ch.readyState === 'closed') clearInterval(this.timer);
                }, 10);
              }
              get readyState() { return this.ch.readyState; }
              get label() { return this.ch.label; }
              get bufferedAmount() { return this.heldBytes + this.ch.bufferedAmount; }
              set binaryType(t) { this.ch.binaryType = t; }
              get binaryType() { return this.ch.binaryType; }
              send(m) { const size = typeof m === 'string' ? new TextEncoder().encode(m).byteLength : m.byteLength; this.held.push({m, size}); this.heldBytes += size; }
              close() { clearInterval(this.timer); this.ch.close(); }
            }
            async function pair(options = {}) {
              const { TransferLink } = await import('/js/transfer.js');
              const a = new RTCPeerConnection(), b = new RTCPeerConnection();
              a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
              b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
              const ac = a.createDataChannel('control'), ad = a.createDataChannel('data');
              const got = new Promise((resolve) => { const chans = {};
                b.ondatachannel = ({channel}) => { chans[channel.label] = channel;
                  if (chans.control && chans.data) resolve(chans); }; });
              await a.setLocalDescription(); await b.setRemoteDescription(a.localDescription);
              await b.setLocalDescription(); await a.setRemoteDescription(b.localDescription);
              const chans = await got;
              const open = (ch) => ch.readyState === 'open' ? null : new Promise((r) => ch.addEventListener('open', r, {once: true}));
              await Promise.all([ac, ad, chans.control, chans.data].map(open));
              const sender = new TransferLink(ac, options.paced ? new Paced(ad) : ad, { maxMessageSize: a.sctp.maxMessageSize });
              const receiver = new TransferLink(chans.control, chans.data, { maxMessageSize: b.sctp.maxMessageSize });
              return { a, b, sender, receiver, ad };
            }
            function settle(link, id) {
              return new Promise((resolve) => {
                const check = (e) => { const t = e.detail; if (t.id === id && ['verified','failed','cancelled'].includes(t.state)) resolve(t); };
                link.addEventListener('update', check);
              });
            }
            function random(n, seed) { const u = new Uint8Array(n); let x = seed; for (let i = 0; i < n; i++) { x = (x * 1103515245 + 12345) >>> 0; u[i] = x >>> 24; } return u; }
            """;

    @Test
    void severalPhotosInFlightArriveVerifiedWithBoundedBuffering() {
        Object r = js("async () => {" + PAIR + """
                  const h = await import('/js/hash.js');
                  const { sender, receiver, ad, a, b } = await pair();
                  let maxBuffered = 0;
                  const sample = setInterval(() => { maxBuffered = Math.max(maxBuffered, ad.bufferedAmount); }, 1);
                  const photos = [['p1', 3_000_000, 1], ['p2', 300_000, 2], ['p3', 17, 3]];
                  const results = [];
                  for (const [id, size, seed] of photos) {
                    const bytes = random(size, seed);
                    const sha256 = await h.sha256Hex(bytes);
                    const inbound = settle(receiver, id), outbound = settle(sender, id);
                    sender.send({ id, name: id + '.jpg', type: 'image/jpeg', bytes, sha256 });
                    results.push(Promise.all([inbound, outbound]).then(async ([i, o]) =>
                      `${id}:${i.state}/${o.state}/${i.blob ? await h.sha256Hex(i.blob) === sha256 : false}`));
                  }
                  const out = (await Promise.all(results)).join(' ');
                  clearInterval(sample);
                  a.close(); b.close();
                  return { out, maxBuffered, high: sender.high, message: sender.message };
                }""");
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) r;
        assertThat(m.get("out")).isEqualTo("p1:verified/verified/true p2:verified/verified/true p3:verified/verified/true");
        assertThat(m.get("message")).isEqualTo(262144);
        assertThat(((Number) m.get("maxBuffered")).longValue())
                .isLessThanOrEqualTo(((Number) m.get("high")).longValue() + 262144);
    }

    @Test
    void aCancelStopsATransferAndTheNextOneStillArrives() {
        Object r = js("async () => {" + PAIR + """
                  const h = await import('/js/hash.js');
                  const { sender, receiver, a, b } = await pair({ paced: true });
                  const big = random(8_000_000, 9);
                  const bigIn = settle(receiver, 'big'), bigOut = settle(sender, 'big');
                  let cancelledAt = -1;
                  receiver.addEventListener('update', (e) => {
                    if (e.detail.id === 'big' && e.detail.bytes > 500_000 && cancelledAt < 0) {
                      cancelledAt = e.detail.bytes; receiver.cancel('big', 'changed my mind');
                    }
                  });
                  sender.send({ id: 'big', name: 'big.jpg', type: 'image/jpeg', bytes: big, sha256: await h.sha256Hex(big) });
                  const [i, o] = await Promise.all([bigIn, bigOut]);
                  const small = random(50_000, 4);
                  const sIn = settle(receiver, 'small');
                  sender.send({ id: 'small', name: 'small.jpg', type: 'image/jpeg', bytes: small, sha256: await h.sha256Hex(small) });
                  const s = await sIn;
                  a.close(); b.close();
                  return `${i.state} ${o.state} ${o.error} ${o.sent < big.length} ${s.state}`;
                }""");
        assertThat(r).isEqualTo("cancelled cancelled cancelled by the peer (changed my mind) true verified");
    }

    @Test
    void aHashMismatchIsReportedOnBothEnds() {
        Object r = js("async () => {" + PAIR + """
                  const { sender, receiver, a, b } = await pair();
                  const bytes = random(40_000, 5);
                  const i = settle(receiver, 'bad'), o = settle(sender, 'bad');
                  sender.send({ id: 'bad', name: 'bad.jpg', type: 'image/jpeg', bytes, sha256: '00'.repeat(32) });
                  const [ti, to] = await Promise.all([i, o]);
                  a.close(); b.close();
                  return `${ti.state}|${ti.blob === undefined}|${to.state}|${to.error.startsWith('the peer refused it: SHA-256 mismatch')}`;
                }""");
        assertThat(r).isEqualTo("failed|true|failed|true");
    }
}
