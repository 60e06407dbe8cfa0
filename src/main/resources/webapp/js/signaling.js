/**
 * The mesh-room signaling client (docs/signaling.md): join, signal, leave over Socket.IO.
 * Events: "joined" (detail {id, name, peers}), "peer-joined", "peer-left", "signal", "media-added",
 * "error" (detail {code, message}), "disconnected".
 * After a reconnect the server knows us under a new id, so "joined" fires again with a fresh peer list.
 */
import { io } from '/socket.io/socket.io.esm.min.js';

const ACK_TIMEOUT_MS = 8000;

export class SignalingClient extends EventTarget {
  constructor(room, name) {
    super();
    this.room = room;
    this.name = name;
    this.id = null;
    this.socket = null;
  }

  connect() {
    const socket = io({ reconnectionDelayMax: 4000 });
    this.socket = socket;
    socket.on('connect', () => this.join());
    socket.on('disconnect', (reason) => {
      this.id = null;
      this.emit('disconnected', { reason });
    });
    socket.on('connect_error', (err) => this.emit('error', { code: 'connect_error', message: err.message }));
    for (const ev of ['peer-joined', 'peer-left', 'signal', 'media-added']) {
      socket.on(ev, (msg) => {
        if (msg && (msg.room === undefined || msg.room === this.room)) {
          this.emit(ev, msg);
        }
      });
    }
    socket.on('error', (err) => this.emit('error', err ?? {}));
  }

  async join() {
    const res = await this.request('join', { room: this.room, name: this.name });
    if (res.ok) {
      this.id = res.id;
      this.emit('joined', res);
    } else {
      this.emit('error', res.error ?? { code: 'join_failed', message: 'could not join the room' });
    }
  }

  /** Sends data to one peer; resolves to the ack ({ok: ...}). */
  signal(to, data) {
    return this.request('signal', { room: this.room, to, data });
  }

  leave() {
    if (this.socket && this.socket.connected) {
      this.socket.emit('leave', { room: this.room });
    }
  }

  disconnect() {
    if (this.socket) {
      this.socket.disconnect();
    }
  }

  request(event, payload) {
    return new Promise((resolve) => {
      this.socket.timeout(ACK_TIMEOUT_MS).emit(event, payload, (err, res) => {
        if (err) {
          resolve({ ok: false, error: { code: 'timeout', message: `no answer to ${event}` } });
        } else {
          resolve(res ?? { ok: false, error: { code: 'bad_ack', message: 'empty answer' } });
        }
      });
    });
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
