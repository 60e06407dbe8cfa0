/**
 * The sending side of a TransferLink (transfer.js): starting a photo (send) or offering a file (offer),
 * and the pump that interleaves the chunks of every outgoing transfer round-robin on the data channel,
 * waiting while bufferedAmount is above the high watermark and, for files, while the receiver has not
 * yet written what was sent FILE_WINDOW bytes back. Files are read in blocks of READ_BLOCK bytes.
 * These are TransferLink methods: transfer.js adds them to its prototype.
 */
import { encodeChunk, encodeControl } from './framing.js';
import { planChunks } from './chunking.js';

/** Files: bytes the sender may be ahead of what the receiver has written to disk. */
const FILE_WINDOW = 16 * 1024 * 1024;
/** Files: the sender reads the file in blocks of this size, never the whole file. */
const READ_BLOCK = 1024 * 1024;

export const sending = {
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
  },

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
  },

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
  },

  /** Bytes [offset, offset + length) of an outgoing file, from a block read with Blob.slice. */
  async readSlice(t, offset, length) {
    let b = t.block;
    if (!b || offset < b.start || offset + length > b.start + b.bytes.byteLength) {
      const end = Math.min(t.size, offset + Math.max(READ_BLOCK, length));
      b = { start: offset, bytes: new Uint8Array(await t.file.slice(offset, end).arrayBuffer()) };
      t.block = b;
    }
    return b.bytes.subarray(offset - b.start, offset - b.start + length);
  },

  wakeAck() {
    const waiters = this.ackWaiters;
    this.ackWaiters = [];
    waiters.forEach((w) => w());
  },

  waitLow() {
    return new Promise((resolve) => {
      this.lowWaiters.push(resolve);
      if (this.data.bufferedAmount <= this.low || this.closed) {
        this.wakeLow();
      }
    });
  },

  wakeLow() {
    const waiters = this.lowWaiters;
    this.lowWaiters = [];
    waiters.forEach((w) => w());
  },
};
