/**
 * Photo transfers over one peer pair's two data channels (see framing.js for the wire format).
 *
 * The state lives here; the channels are handed in, so the same code runs against any pair of
 * RTCDataChannel-like objects. Several transfers may be in flight at once: the sender interleaves
 * their chunks round-robin and keeps bufferedAmount between the watermarks of chunking.js. The
 * receiver checks order, size and SHA-256 before it reports a photo, and answers with a result.
 */
import {
  decodeChunk, decodeControl, encodeChunk, encodeControl, FramingError, MAX_TRANSFER_BYTES,
} from './framing.js';
import { messageSize, payloadSize, planChunks, watermarks } from './chunking.js';
import { sha256Hex } from './hash.js';

/** Bytes of chunks that may arrive before their header (the two channels are not ordered together). */
const EARLY_LIMIT = 4 * 1024 * 1024;
const PROGRESS_EVERY_MS = 100;
/** Files: bytes the sender may be ahead of what the receiver has written to disk. */
const FILE_WINDOW = 16 * 1024 * 1024;
/** Files: the receiver reports what it has written at least this often (in bytes). */
const FILE_ACK_BYTES = 1024 * 1024;
/** Files: the sender reads the file in blocks of this size, never the whole file. */
const READ_BLOCK = 1024 * 1024;

/**
 * Transfers to and from one peer.
 * Events (CustomEvent detail is the transfer object):
 *  "incoming" (a new incoming photo), "offer" (a file offered to us: answer with acceptOffer or
 *  cancel), "update" (progress or state of any transfer), "hello" (detail {client}: the peer's stable
 *  client id, sent by each end when the link opens).
 * Files (kind "file") are read from a Blob in slices by the sender and written by the receiver to a
 * sink ({write(Uint8Array), finish() -> Promise<sha256 hex>, abort(), onWritten, onError}), so neither end
 * holds the whole file; the sender stays at most FILE_WINDOW bytes ahead of what the sink wrote.
 * A transfer object: {id, direction: "out"|"in", name, type, size, sha256, bytes (progress),
 *  state: "sending"|"sent"|"receiving"|"verifying"|"verified"|"failed"|"cancelled"|"interrupted",
 *  error?, blob?}. A file whose link closes midway ends "interrupted": the receiver's sink is suspended
 *  (the partial file is kept), so a later offer of the same file can be accepted from where it stopped.
 */
export class TransferLink extends EventTarget {
  constructor(control, data, {
    maxMessageSize = 0, maxBytes = MAX_TRANSFER_BYTES, now = () => performance.now(), client = null,
  } = {}) {
    super();
    this.client = client; // our stable client id, told to the peer in "hello" and in offers
    this.remoteClient = null;
    this.control = control;
    this.data = data;
    this.maxBytes = maxBytes;
    this.now = now;
    this.message = messageSize(maxMessageSize);
    this.payload = payloadSize(this.message);
    const { high, low } = watermarks(this.message);
    this.high = high;
    this.low = low;
    data.binaryType = 'arraybuffer';
    data.bufferedAmountLowThreshold = low;
    this.nextSlot = 1;
    this.outgoing = new Map(); // id -> transfer
    this.active = []; // outgoing transfers with chunks left to send
    this.incoming = new Map(); // id -> transfer
    this.incomingBySlot = new Map(); // slot -> transfer
    this.deadSlots = new Set(); // cancelled or failed incoming slots: their late chunks are dropped
    this.early = new Map(); // slot -> [{offset, bytes}]
    this.earlyBytes = 0;
    this.pumping = false;
    this.closed = false;
    this.lowWaiters = [];
    this.ackWaiters = [];
    this.onLow = () => this.wakeLow();
    data.addEventListener('bufferedamountlow', this.onLow);
    this.onControl = (e) => this.handleControl(e.data);
    this.onData = (e) => this.handleData(e.data);
    this.onClose = () => this.close('the connection to this peer closed');
    control.addEventListener('message', this.onControl);
    data.addEventListener('message', this.onData);
    control.addEventListener('close', this.onClose);
    data.addEventListener('close', this.onClose);
    if (client) {
      this.trySendControl({ t: 'hello', id: client });
    }
  }

  /** Starts sending a photo: {id, name, type, bytes: Uint8Array, sha256}. Returns the transfer. */
  send({ id, name, type, bytes, sha256 }) {
    if (this.closed) {
      throw new Error('this link is closed');
    }
    const slot = this.nextSlot++;
    const header = encodeControl({
      t: 'file', id, slot, name, type, size: bytes.byteLength, sha256, chunk: this.message,
    });
    const t = {
      id, slot, direction: 'out', name, type, size: bytes.byteLength, sha256, bytes: 0, sent: 0,
      state: 'sending', data: bytes, chunks: planChunks(bytes.byteLength, this.payload), next: 0,
      startedAt: this.now(),
    };
    this.outgoing.set(id, t);
    this.control.send(header);
    this.active.push(t);
    this.emit('update', t);
    this.pump();
    return t;
  }

  /**
   * Offers a file (a Blob, read in slices): {id, name, type, file, sha256, thumb?}; {@code extra}: fields
   * the caller keeps on the transfer object (set before its first "update"). Bytes follow an accept.
   */
  offer({ id, name, type, file, sha256, thumb, extra = {} }) {
    if (this.closed) {
      throw new Error('this link is closed');
    }
    const slot = this.nextSlot++;
    const t = {
      id, slot, kind: 'file', direction: 'out', name, type: type || 'application/octet-stream', size: file.size,
      sha256, bytes: 0, sent: 0, acked: 0, pos: 0, state: 'offered', file, block: null, startedAt: this.now(),
      ...extra,
    };
    const message = {
      t: 'offer', id, slot, name, type: t.type, size: t.size, sha256, chunk: this.message, thumb,
    };
    if (this.client) {
      message.client = this.client;
    }
    this.control.send(encodeControl(message));
    this.outgoing.set(id, t);
    this.emit('update', t);
    return t;
  }

  /** Accepts a file offered to us, writing it to {@code sink}; {@code from} is the offset to start at. */
  acceptOffer(id, sink, from = 0) {
    const t = this.incoming.get(id);
    if (!t || t.state !== 'offered') {
      return;
    }
    t.sink = sink;
    t.bytes = from;
    t.written = from;
    t.lastAck = from;
    t.state = 'receiving';
    sink.onWritten = (n) => this.written(t, n);
    sink.onError = (e) => {
      if (t.state === 'receiving') {
        this.reject(t, `could not store the file: ${e.message}`); // the sender stops at once
      }
    };
    this.incomingBySlot.set(t.slot, t);
    this.trySendControl({ t: 'accept', id, from });
    this.emit('update', t);
    if (t.size === from) {
      this.verify(t);
    }
  }

  written(t, n) {
    t.written = n;
    if (t.state !== 'receiving' && t.state !== 'verifying') {
      return;
    }
    if (n - t.lastAck >= FILE_ACK_BYTES || n === t.size) {
      t.lastAck = n;
      this.trySendControl({ t: 'progress', id: t.id, bytes: n });
    }
  }

  /** Cancels a transfer in either direction, telling the other end at once on the control channel. */
  cancel(id, reason = 'cancelled') {
    const t = this.outgoing.get(id) ?? this.incoming.get(id);
    if (!t || isFinal(t.state)) {
      return;
    }
    this.trySendControl({ t: 'cancel', id, reason });
    this.finish(t, 'cancelled', reason);
  }

  /** Fails every unfinished transfer and stops listening. */
  close(reason = 'closed') {
    if (this.closed) {
      return;
    }
    this.closed = true;
    for (const t of [...this.outgoing.values(), ...this.incoming.values()]) {
      if (!isFinal(t.state) && !(t.direction === 'out' && t.state === 'verified')) {
        this.finish(t, t.kind === 'file' ? 'interrupted' : 'failed', reason);
      }
    }
    this.control.removeEventListener('message', this.onControl);
    this.data.removeEventListener('message', this.onData);
    this.data.removeEventListener('bufferedamountlow', this.onLow);
    this.control.removeEventListener('close', this.onClose);
    this.data.removeEventListener('close', this.onClose);
    this.wakeLow();
    this.wakeAck();
  }

  async pump() {
    if (this.pumping) {
      return;
    }
    this.pumping = true;
    let turn = 0;
    try {
      while (this.active.length > 0 && !this.closed) {
        if (this.data.readyState !== 'open') {
          throw new Error('the data channel is not open');
        }
        if (this.data.bufferedAmount > this.high) {
          await this.waitLow();
          continue;
        }
        const ready = this.active.filter((a) => a.kind !== 'file' || a.sent - a.acked < FILE_WINDOW);
        if (ready.length === 0) {
          await new Promise((resolve) => this.ackWaiters.push(resolve));
          continue;
        }
        const t = ready[turn++ % ready.length];
        let more;
        if (t.kind === 'file') {
          const length = Math.min(this.payload, t.size - t.pos);
          const offset = t.pos;
          const bytes = await this.readSlice(t, offset, length);
          if (t.state !== 'sending' || this.closed) {
            continue; // cancelled or closed while reading
          }
          this.data.send(encodeChunk(t.slot, offset, bytes));
          t.pos = offset + length;
          t.sent = t.pos;
          more = t.pos < t.size;
        } else {
          const c = t.chunks[t.next++];
          this.data.send(encodeChunk(t.slot, c.offset, t.data.subarray(c.offset, c.offset + c.length)));
          t.sent = c.offset + c.length;
          more = t.next < t.chunks.length;
        }
        if (!more) {
          this.active.splice(this.active.indexOf(t), 1);
          t.state = 'sent';
          this.emit('update', t);
        }
      }
    } catch (e) {
      for (const t of [...this.active]) {
        this.finish(t, 'failed', e.message);
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Bytes [offset, offset + length) of an outgoing file, from a block read with Blob.slice. */
  async readSlice(t, offset, length) {
    let b = t.block;
    if (!b || offset < b.start || offset + length > b.start + b.bytes.byteLength) {
      const end = Math.min(t.size, offset + Math.max(READ_BLOCK, length));
      b = { start: offset, bytes: new Uint8Array(await t.file.slice(offset, end).arrayBuffer()) };
      t.block = b;
    }
    return b.bytes.subarray(offset - b.start, offset - b.start + length);
  }

  wakeAck() {
    const waiters = this.ackWaiters;
    this.ackWaiters = [];
    waiters.forEach((w) => w());
  }

  waitLow() {
    return new Promise((resolve) => {
      this.lowWaiters.push(resolve);
      if (this.data.bufferedAmount <= this.low || this.closed) {
        this.wakeLow();
      }
    });
  }

  wakeLow() {
    const waiters = this.lowWaiters;
    this.lowWaiters = [];
    waiters.forEach((w) => w());
  }

  handleControl(text) {
    let m;
    try {
      m = decodeControl(text, this.maxBytes);
    } catch (e) {
      if (e instanceof FramingError) {
        // A header we refuse still names its id: say so, so the sender does not wait forever.
        const id = safeId(text);
        if (id) {
          this.trySendControl({ t: 'result', id, ok: false, error: e.message });
        }
        return;
      }
      throw e;
    }
    switch (m.t) {
      case 'hello':
        if (this.remoteClient === null) {
          // Our own hello may have come before the peer listened (it builds its link when both of its
          // channels are open): say it once more, so each end learns the other's id.
          this.remoteClient = m.id;
          if (this.client) {
            this.trySendControl({ t: 'hello', id: this.client });
          }
          this.dispatchEvent(new CustomEvent('hello', { detail: { client: m.id } }));
        }
        break;
      case 'file':
        this.startIncoming(m);
        break;
      case 'offer':
        this.startOffer(m);
        break;
      case 'accept': {
        const t = this.outgoing.get(m.id);
        if (t && t.state === 'offered' && m.from <= t.size) {
          t.state = 'sending';
          t.pos = m.from;
          t.sent = m.from;
          t.acked = m.from;
          t.bytes = m.from;
          t.resumedFrom = m.from;
          if (t.pos < t.size) {
            this.active.push(t);
          } else {
            t.state = 'sent';
          }
          this.emit('update', t);
          this.pump();
        }
        break;
      }
      case 'progress': {
        const t = this.outgoing.get(m.id);
        if (t && !isFinal(t.state)) {
          t.bytes = Math.min(m.bytes, t.size);
          if (t.kind === 'file') {
            t.acked = Math.max(t.acked, t.bytes);
            this.wakeAck();
          }
          this.emit('update', t);
        }
        break;
      }
      case 'result': {
        const t = this.outgoing.get(m.id);
        if (t && !isFinal(t.state)) {
          if (m.ok) {
            t.bytes = t.size;
            t.elapsedMs = this.now() - t.startedAt;
            this.finish(t, 'verified');
          } else {
            this.finish(t, 'failed', `the peer refused it: ${m.error}`);
          }
        }
        break;
      }
      case 'cancel': {
        const t = this.outgoing.get(m.id) ?? this.incoming.get(m.id);
        if (t && !isFinal(t.state)) {
          this.finish(t, 'cancelled', `cancelled by the peer (${m.reason})`);
        }
        break;
      }
      default:
        break;
    }
  }

  startOffer(h) {
    if (this.incoming.has(h.id) || this.incomingBySlot.has(h.slot)) {
      this.trySendControl({ t: 'cancel', id: h.id, reason: 'duplicate transfer' });
      return;
    }
    const t = {
      id: h.id, slot: h.slot, kind: 'file', direction: 'in', name: h.name, type: h.type, size: h.size,
      sha256: h.sha256, bytes: 0, written: 0, state: 'offered', startedAt: this.now(), lastProgress: 0,
      client: h.client ?? this.remoteClient,
      thumb: h.thumb,
    };
    this.incoming.set(h.id, t);
    this.emit('offer', t);
  }

  startIncoming(h) {
    if (this.incoming.has(h.id) || this.incomingBySlot.has(h.slot)) {
      this.trySendControl({ t: 'result', id: h.id, ok: false, error: 'duplicate transfer' });
      return;
    }
    const t = {
      id: h.id, slot: h.slot, direction: 'in', name: h.name, type: h.type, size: h.size, sha256: h.sha256,
      bytes: 0, state: 'receiving', buffer: new Uint8Array(h.size), startedAt: this.now(), lastProgress: 0,
    };
    this.incoming.set(h.id, t);
    this.incomingBySlot.set(h.slot, t);
    this.emit('incoming', t);
    const early = this.early.get(h.slot);
    if (early) {
      this.early.delete(h.slot);
      for (const e of early) {
        this.earlyBytes -= e.bytes.byteLength;
        this.accept(t, e.offset, e.bytes);
      }
    }
  }

  handleData(buffer) {
    let c;
    try {
      c = decodeChunk(buffer);
    } catch (e) {
      return; // not ours to answer: a malformed frame names no transfer we could fail
    }
    const t = this.incomingBySlot.get(c.slot);
    if (t) {
      this.accept(t, c.offset, c.bytes);
      return;
    }
    if (this.deadSlots.has(c.slot)) {
      return;
    }
    if (this.earlyBytes + c.bytes.byteLength > EARLY_LIMIT) {
      return; // a sender that floods chunks without headers gets nothing stored
    }
    const list = this.early.get(c.slot) ?? [];
    list.push({ offset: c.offset, bytes: c.bytes });
    this.early.set(c.slot, list);
    this.earlyBytes += c.bytes.byteLength;
  }

  accept(t, offset, bytes) {
    if (t.state !== 'receiving') {
      return;
    }
    if (offset !== t.bytes) {
      this.reject(t, `chunk at offset ${offset}, expected ${t.bytes}`);
      return;
    }
    if (offset + bytes.byteLength > t.size) {
      this.reject(t, `more bytes than the announced ${t.size}`);
      return;
    }
    t.bytes += bytes.byteLength;
    if (t.kind === 'file') {
      t.sink.write(bytes); // moves the chunk's buffer to the sink's worker: bytes is empty afterwards
    } else {
      t.buffer.set(bytes, offset);
    }
    const now = this.now();
    if (t.bytes === t.size) {
      this.verify(t);
    } else if (now - t.lastProgress >= PROGRESS_EVERY_MS) {
      t.lastProgress = now;
      if (t.kind !== 'file') {
        this.trySendControl({ t: 'progress', id: t.id, bytes: t.bytes });
      }
      this.emit('update', t);
    }
  }

  async verify(t) {
    t.state = 'verifying';
    this.emit('update', t);
    let actual;
    try {
      actual = t.kind === 'file' ? await t.sink.finish() : await sha256Hex(t.buffer);
    } catch (e) {
      if (t.state === 'verifying') {
        this.reject(t, `could not store the file: ${e.message}`);
      }
      return;
    }
    if (t.state !== 'verifying') {
      return; // cancelled meanwhile
    }
    if (actual !== t.sha256) {
      this.reject(t, `SHA-256 mismatch: got ${actual.slice(0, 12)}…, expected ${t.sha256.slice(0, 12)}…`);
      return;
    }
    if (t.kind !== 'file') {
      t.blob = new Blob([t.buffer], { type: t.type });
      t.buffer = null;
    }
    t.elapsedMs = this.now() - t.startedAt;
    this.trySendControl({ t: 'result', id: t.id, ok: true });
    this.finish(t, 'verified');
  }

  reject(t, error) {
    this.trySendControl({ t: 'result', id: t.id, ok: false, error });
    this.finish(t, 'failed', error);
  }

  finish(t, state, error) {
    t.state = state;
    if (error) {
      t.error = error;
    }
    if (t.direction === 'out') {
      const i = this.active.indexOf(t);
      if (i >= 0) {
        this.active.splice(i, 1);
      }
      t.data = null;
      t.chunks = null;
      t.file = null;
      t.block = null;
      this.wakeAck();
    } else {
      this.incomingBySlot.delete(t.slot);
      if (state === 'interrupted') {
        this.deadSlots.add(t.slot);
        t.sink?.suspend();
      } else if (state !== 'verified') {
        this.deadSlots.add(t.slot);
        t.buffer = null;
        t.sink?.abort();
      }
    }
    this.emit('update', t);
  }

  trySendControl(message) {
    try {
      if (this.control.readyState === 'open') {
        this.control.send(encodeControl(message));
      }
    } catch (e) {
      // the channel is closing: the close handler fails what is left
    }
  }

  emit(type, t) {
    this.dispatchEvent(new CustomEvent(type, { detail: t }));
  }
}

/** States after which a transfer never changes again. */
export function isFinal(state) {
  return state === 'verified' || state === 'failed' || state === 'cancelled' || state === 'interrupted';
}

function safeId(text) {
  try {
    const id = JSON.parse(text).id;
    return typeof id === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : null;
  } catch (e) {
    return null;
  }
}
