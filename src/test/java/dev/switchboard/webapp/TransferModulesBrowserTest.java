package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The web app's pure modules (framing, chunk planning, hashing, type sniffing, error messages) and
 * the transfer engine, run in the browser as the app loads them; the engine over a real pair of
 * RTCPeerConnections inside one page.
 */
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
    void chunkFramesRoundTripAndBadFramesAreRefused() {
        Object r = js("""
                async () => {
                  const f = await import('/js/framing.js');
                  const payload = new Uint8Array([1, 2, 3, 250]);
                  const c = f.decodeChunk(f.encodeChunk(0xfffffffe, 123456, payload));
                  const errors = [];
                  for (const bad of [new ArrayBuffer(9), new Uint8Array([2,0,0,0,1,0,0,0,0,7]).buffer, 'text']) {
                    try { f.decodeChunk(bad); } catch (e) { errors.push(e.name); }
                  }
                  try { f.encodeChunk(-1, 0, payload); } catch (e) { errors.push(e.name); }
                  return {slot: c.slot, offset: c.offset, bytes: [...c.bytes].join(','), errors: errors.join(',')};
                }""");
        assertThat(r).isEqualTo(Map.of("slot", 4294967294.0, "offset", 123456, "bytes", "1,2,3,250",
                "errors", "FramingError,FramingError,FramingError,FramingError"));
    }

    @Test
    void fileOffersTakeAnyTypeUpToFourGigabytesAndAcceptsNeedAnOffset() {
        Object r = js("""
                async () => {
                  const f = await import('/js/framing.js');
                  const sha = 'cd'.repeat(32);
                  const offer = (o) => { try { return JSON.stringify(f.decodeControl(JSON.stringify(
                      {t: 'offer', id: 'x1', slot: 1, name: '../a.pdf', type: 'application/pdf', size: 5, sha256: sha, chunk: 0, ...o})));
                    } catch (e) { return e.name; } };
                  const accept = (from) => { try { return f.decodeControl(JSON.stringify({t: 'accept', id: 'x1', from})).from; }
                    catch (e) { return e.name; } };
                  return [offer({}), offer({type: '<script>'}), offer({size: 0xffffffff}).includes('4294967295'),
                    offer({size: 0x100000000}), offer({sha256: 'nope'}), accept(7), accept(-1), accept('3')].join('|');
                }""");
        assertThat(r).isEqualTo("{\"t\":\"offer\",\"id\":\"x1\",\"slot\":1,\"name\":\"a.pdf\",\"type\":\"application/pdf\","
                + "\"size\":5,\"sha256\":\"" + "cd".repeat(32) + "\",\"chunk\":0}"
                + "|" + "{\"t\":\"offer\",\"id\":\"x1\",\"slot\":1,\"name\":\"a.pdf\",\"type\":\"application/octet-stream\","
                + "\"size\":5,\"sha256\":\"" + "cd".repeat(32) + "\",\"chunk\":0}"
                + "|true|FramingError|FramingError|7|FramingError|FramingError");
    }

    @Test
    void controlMessagesAreValidatedAndCleaned() {
        Object r = js("""
                async () => {
                  const f = await import('/js/framing.js');
                  const sha = 'ab'.repeat(32);
                  const ok = f.decodeControl(JSON.stringify({t: 'file', id: 'x1', slot: 3, name: '../../etc/pa\\u0000sswd',
                    type: 'image/jpeg', size: 10, sha256: sha, chunk: 16384, extra: 'dropped'}));
                  const refuse = (m, max) => { try { f.decodeControl(typeof m === 'string' ? m : JSON.stringify(m), max); return 'accepted'; }
                                               catch (e) { return e.message; } };
                  const base = {t: 'file', id: 'x1', slot: 3, name: 'a.jpg', type: 'image/jpeg', size: 10, sha256: sha};
                  return {
                    name: ok.name, extra: 'extra' in ok,
                    badSha: refuse({...base, sha256: 'AB'.repeat(32)}),
                    tooBig: refuse({...base, size: 11}, 10),
                    zero: refuse({...base, size: 0}),
                    notImage: refuse({...base, type: 'text/html'}),
                    badId: refuse({...base, id: 'a/b'}),
                    unknown: refuse({t: 'explode', id: 'x'}),
                    notJson: refuse('{'),
                    cancel: JSON.stringify(f.decodeControl('{"t":"cancel","id":"q"}')),
                  };
                }""");
        assertThat(r).isEqualTo(Map.of("name", "passwd", "extra", false,
                "badSha", "sha256 must be 64 lower-case hex digits",
                "tooBig", "photo too large (11 bytes, limit 10)",
                "zero", "size must be a positive integer",
                "notImage", "type must be an image media type",
                "badId", "bad transfer id",
                "unknown", "unknown control message explode",
                "notJson", "control message is not JSON",
                "cancel", "{\"t\":\"cancel\",\"id\":\"q\",\"reason\":\"cancelled\"}"));
    }

    @Test
    void chunkSizesFollowTheNegotiatedMaximumWithinLimits() {
        Object r = js("""
                async () => {
                  const c = await import('/js/chunking.js');
                  const plan = c.planChunks(100000, 16375);
                  const covered = plan.reduce((n, p, i) => (p.offset === (i === 0 ? 0 : plan[i-1].offset + plan[i-1].length)) ? n + p.length : -1e9, 0);
                  return {
                    unlimited: c.messageSize(0), infinite: c.messageSize(Infinity), chromium: c.messageSize(262144),
                    mid: c.messageSize(65536), huge: c.messageSize(1e9), small: c.messageSize(8000), unknown: c.messageSize(undefined),
                    chunks: plan.length, covered, last: plan[plan.length - 1].length, empty: c.planChunks(0, 10).length,
                    wmSmall: c.watermarks(16384), wmBig: c.watermarks(262144),
                  };
                }""");
        assertThat(r).isEqualTo(Map.ofEntries(
                Map.entry("unlimited", 262144), Map.entry("infinite", 262144), Map.entry("chromium", 262144),
                Map.entry("mid", 65536), Map.entry("huge", 262144), Map.entry("small", 8000), Map.entry("unknown", 16384),
                Map.entry("chunks", 7), Map.entry("covered", 100000), Map.entry("last", 100000 - 6 * 16375),
                Map.entry("empty", 0),
                Map.entry("wmSmall", Map.of("high", 1048576, "low", 524288)),
                Map.entry("wmBig", Map.of("high", 4194304, "low", 2097152))));
    }

    @Test
    void sha256MatchesTheJdkAndTypesAreSniffedFromMagicBytes() {
        byte[] bytes = new byte[300_001];
        new Random(7).nextBytes(bytes);
        Object r = page.evaluate("""
                async (b64) => {
                  const h = await import('/js/hash.js');
                  const t = await import('/js/imagetype.js');
                  const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
                  const sniff = (a) => t.sniffImageType(new Uint8Array(a));
                  return {
                    sha: await h.sha256Hex(bytes), blobSha: await h.sha256Hex(new Blob([bytes])), empty: await h.sha256Hex(new Uint8Array(0)),
                    id: h.randomId(16),
                    jpeg: sniff([0xff, 0xd8, 0xff, 0xe0]), png: sniff([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
                    webp: sniff([0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x45, 0x42, 0x50]),
                    gif: sniff([0x47, 0x49, 0x46, 0x38, 0x39, 0x61]), text: String(sniff([0x3c, 0x68, 0x74, 0x6d])),
                  };
                }""", Base64.getEncoder().encodeToString(bytes));
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) r;
        assertThat(m.get("sha")).isEqualTo(RoomPage.sha256(bytes));
        assertThat(m.get("blobSha")).isEqualTo(RoomPage.sha256(bytes));
        assertThat(m.get("empty")).isEqualTo(RoomPage.sha256(new byte[0]));
        assertThat((String) m.get("id")).matches("[A-Za-z0-9_-]{22}");
        assertThat(m).containsEntry("jpeg", "image/jpeg").containsEntry("png", "image/png")
                .containsEntry("webp", "image/webp").containsEntry("gif", "image/gif").containsEntry("text", "null");
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
