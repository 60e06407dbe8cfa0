/**
 * The receiving side of a TransferLink (transfer.js): photo headers and file offers as they arrive,
 * accepting an offer into a sink, chunks from the data channel (held, up to EARLY_LIMIT bytes, when
 * they come before their header), order and size checks, progress reports, and the SHA-256 check
 * that ends a transfer. These are TransferLink methods: transfer.js adds them to its prototype.
 */
import { decodeChunk } from './framing.js';
import { sha256Hex } from './hash.js';

/** Bytes of chunks that may arrive before their header (the two channels are not ordered together). */
const EARLY_LIMIT = 4 * 1024 * 1024;
const PROGRESS_EVERY_MS = 100;
/** Files: the receiver reports what it has written at least this often (in bytes). */
const FILE_ACK_BYTES = 1024 * 1024;

export const receiving = {
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
  },

  written(t, n) {
    t.written = n;
    if (t.state !== 'receiving' && t.state !== 'verifying') {
      return;
    }
    if (n - t.lastAck >= FILE_ACK_BYTES || n === t.size) {
      t.lastAck = n;
      this.trySendControl({ t: 'progress', id: t.id, bytes: n });
    }
  },

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
  },

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
  },

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
  },

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
  },

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
  },
};
