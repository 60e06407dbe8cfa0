/**
 * Photo and file transfers over one peer pair's two data channels (see framing.js for the wire format).
 *
 * This module owns the link itself: its state, the control messages (hello, offer/file headers,
 * accept, progress, result, cancel), cancelling, closing and how a transfer ends. The sending side
 * (transfer-send.js) and the receiving side (transfer-receive.js) add their methods to TransferLink.
 *
 * The channels are handed in, so the same code runs against any pair of RTCDataChannel-like objects.
 * Several transfers may be in flight at once: the sender interleaves their chunks round-robin and keeps
 * bufferedAmount between the watermarks of chunking.js. The receiver checks order, size and SHA-256
 * before it reports a photo, and answers with a result.
 */
import { decodeControl, encodeControl, FramingError, MAX_TRANSFER_BYTES } from './framing.js';
import { messageSize, payloadSize, watermarks } from './chunking.js';
import { sending } from './transfer-send.js';
import { receiving } from './transfer-receive.js';

/**
 * Transfers to and from one peer.
 * Events (CustomEvent detail is the transfer object):
 *  "incoming" (a new incoming photo), "offer" (a file offered to us: answer with acceptOffer or
 *  cancel), "update" (progress or state of any transfer), "hello" (detail {client}: the peer's stable
 *  client id, sent by each end when the link opens).
 * Files (kind "file") are read from a Blob in slices by the sender and written by the receiver to a
 * sink ({write(Uint8Array), finish() -> Promise<sha256 hex>, abort(), onWritten, onError}), so neither end
 * holds the whole file; the sender stays at most FILE_WINDOW (transfer-send.js) bytes ahead of what the
 * sink wrote.
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

Object.assign(TransferLink.prototype, sending, receiving);

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
