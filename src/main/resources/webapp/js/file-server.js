/**
 * Files through the server, for peers whose data channels do not open (docs/webapp.md, "Server
 * fallback"): the sender uploads each file once (js/file-fallback.js, resumable) and announces it over
 * signaling ({kind:"server-file"}); the peer accepts or declines, streams the download into OPFS,
 * checks the SHA-256 and answers {kind:"server-file-result"}. Rows are drawn by the Files section.
 * An announcement of an image may carry the offer's {thumb} (js/framing.js cleanThumbnail).
 * Events, like a TransferLink's (CustomEvent detail is the transfer, whose {peer} is the peer's id):
 * "offer" (a file announced to us) and "update" (a transfer changed state), for announcements,
 * notifications and the wake lock (js/room.js).
 */
import { cleanName, cleanThumbnail } from './framing.js';
import { downloadToSink, uploadFile } from './file-fallback.js';
import { opfsSink, storageProblem } from './opfs.js';
import { t as text } from './strings.js';
import { isFinal } from './transfer.js';
import { SIGNAL_KIND } from './events.js';

const SHA256 = /^[0-9a-f]{64}$/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

export class ServerFiles extends EventTarget {
  /** @param share the FileShare (rows, peers); @param room; @param signal(to, data) -> Promise<ack> */
  constructor(share, room, signal) {
    super();
    this.share = share;
    this.room = room;
    this.signal = signal;
    this.transfers = new Map(); // `${peerId}/${id}` -> transfer (either direction), with via: "server"
  }

  /** The peer left: what still waited on it fails (a download in progress goes on). */
  detach(peerId) {
    for (const [key, t] of this.transfers) {
      if (key.startsWith(`${peerId}/`) && !isFinal(t.state) && t.state !== 'downloading') {
        this.setState(peerId, t, 'failed', text('files.peerLeft'));
      }
    }
  }

  send(peerId, p, source) {
    const t = {
      id: source.id, kind: 'file', via: 'server', direction: 'out', name: source.name, type: source.type,
      size: source.file.size, sha256: source.sha256, bytes: 0, state: 'uploading', peer: peerId,
    };
    this.transfers.set(`${peerId}/${t.id}`, t);
    this.share.render(peerId, t);
    this.emit('update', t);
    if (!source.upload) {
      source.listeners = [];
      source.upload = uploadFile(this.room, source.file, source.sha256,
        (done) => source.listeners.forEach((f) => f(done)));
    }
    source.listeners?.push((done) => {
      if (t.state === 'uploading') {
        t.bytes = done;
        this.share.render(peerId, t);
      }
    });
    source.upload.then(async (media) => {
      if (t.state !== 'uploading') {
        return;
      }
      t.bytes = t.size;
      this.setState(peerId, t, 'sent', text('files.serverWaiting'));
      const res = await this.signal(peerId, {
        kind: SIGNAL_KIND.SERVER_FILE, id: t.id, name: t.name, type: t.type, size: t.size, sha256: t.sha256,
        media: { id: media.id, sha256: media.sha256, size: media.size }, thumb: source.thumb ?? undefined,
      });
      if (!res?.ok) {
        this.setState(peerId, t, 'failed', res?.error?.message ?? text('files.signalingRefused'));
      }
    }, (e) => {
      if (t.state === 'uploading') {
        this.setState(peerId, t, 'failed', text('files.uploadFailed', { message: e.message }));
      }
    });
  }

  /** {kind:"server-file", id, name, type, size, sha256, media:{id, sha256, size}} from a peer. */
  receive(peerId, data) {
    const p = this.share.peers.get(peerId);
    const media = data?.media;
    if (!p || typeof data.id !== 'string' || !ID.test(data.id) || !media || typeof media.id !== 'string'
      || !/^[A-Za-z0-9_-]{1,128}$/.test(media.id) || !SHA256.test(data.sha256 ?? '') || media.sha256 !== data.sha256
      || !Number.isSafeInteger(data.size) || data.size < 0 || media.size !== data.size || this.transfers.has(`${peerId}/${data.id}`)) {
      return;
    }
    const t = {
      id: data.id, kind: 'file', via: 'server', direction: 'in', name: cleanName(data.name, 'file'), size: data.size,
      type: typeof data.type === 'string' && /^[a-z0-9.+-]{1,40}\/[a-z0-9.+-]{1,80}$/.test(data.type) ? data.type : 'application/octet-stream',
      sha256: data.sha256, media: media.id, bytes: 0, state: 'offered', peer: peerId,
    };
    const thumb = cleanThumbnail(data.thumb);
    if (thumb) {
      t.thumb = thumb;
    }
    this.transfers.set(`${peerId}/${t.id}`, t);
    this.share.render(peerId, t);
    this.emit('offer', t);
    if (p.auto.checked) {
      this.accept(peerId, t);
    }
  }

  async accept(peerId, t) {
    if (t.state !== 'offered') {
      return;
    }
    const problem = await storageProblem(t.size);
    if (problem) {
      this.setState(peerId, t, 'cancelled', `declined: ${problem}`);
      this.signal(peerId, { kind: SIGNAL_KIND.SERVER_FILE_RESULT, id: t.id, ok: false, error: `declined: ${problem}` });
      return;
    }
    this.setState(peerId, t, 'downloading', text('path.server'));
    t.store = opfsSink(`server-${peerId}-${t.id}`);
    t.abort = new AbortController();
    try {
      const sha256 = await downloadToSink(t.media, t.store, t.abort.signal, (n) => {
        t.bytes = n;
        this.share.render(peerId, t);
      });
      if (sha256 !== t.sha256) {
        throw new Error(text('files.hashMismatch', { got: sha256.slice(0, 12), expected: t.sha256.slice(0, 12) }));
      }
      t.bytes = t.size;
      this.setState(peerId, t, 'verified', text('path.server'));
      this.signal(peerId, { kind: SIGNAL_KIND.SERVER_FILE_RESULT, id: t.id, ok: true });
    } catch (e) {
      if (t.state === 'downloading') {
        t.store.abort();
        this.setState(peerId, t, 'failed', e.message);
        this.signal(peerId, { kind: SIGNAL_KIND.SERVER_FILE_RESULT, id: t.id, ok: false, error: e.message.slice(0, 200) });
      }
    }
  }

  cancel(peerId, t, reason) {
    if (isFinal(t.state)) {
      return;
    }
    const announced = t.state === 'sent';
    this.setState(peerId, t, 'cancelled', reason);
    if (t.direction === 'in') {
      t.abort?.abort();
      t.store?.abort();
      this.signal(peerId, { kind: SIGNAL_KIND.SERVER_FILE_RESULT, id: t.id, ok: false, error: reason });
    } else if (announced) {
      this.signal(peerId, { kind: SIGNAL_KIND.SERVER_FILE_CANCEL, id: t.id });
    }
  }

  /** {kind:"server-file-cancel", id}: the sender took back a file it announced. */
  cancelled(peerId, data) {
    const t = this.transfers.get(`${peerId}/${data?.id}`);
    if (t && t.direction === 'in' && !isFinal(t.state)) {
      this.setState(peerId, t, 'cancelled', text('files.cancelledBySender'));
      t.abort?.abort();
      t.store?.abort();
    }
  }

  /** {kind:"server-file-result", id, ok, error?}: the peer's word on a file we sent via the server. */
  result(peerId, data) {
    const t = this.transfers.get(`${peerId}/${data?.id}`);
    if (t && t.direction === 'out' && !isFinal(t.state)) {
      const ok = data.ok === true;
      this.setState(peerId, t, ok ? 'verified' : (/declined|cancelled/.test(String(data.error)) ? 'cancelled' : 'failed'),
        ok ? text('path.server') : String(data.error ?? text('state.failed')).slice(0, 200));
    }
  }

  setState(peerId, t, state, note) {
    const changed = t.state !== state;
    t.state = state;
    t.error = note;
    this.share.render(peerId, t);
    if (changed) {
      this.emit('update', t);
    }
  }

  emit(type, t) {
    this.dispatchEvent(new CustomEvent(type, { detail: t }));
  }
}
