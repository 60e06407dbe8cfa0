/**
 * The mesh-room signaling client (docs/signaling.md): join, signal, leave over Socket.IO.
 * Events: "joined" (detail {id, name, peers}), "peer-joined", "peer-left", "signal", "media-added", "media-removed",
 * "error" (detail {code, message}), "disconnected" (detail {reason, recoverable}), "recovered", "reset".
 * After a reconnect within the server's recovery window the session is recovered (socket.recovered): same id, same
 * room, the missed events follow, and "recovered" fires instead of a new join. Otherwise the server knows us under a
 * new id: "reset" fires, then we join again and "joined" fires with a fresh peer list.
 */
import { io } from '/socket.io/socket.io.esm.min.js';
import { pageToken } from './api.js';
import { ERROR_CODE, SIGNALING } from './events.js';

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
    // WebSocket first (no upgrade dance on the way in); long-polling only where WebSocket fails.
    const token = pageToken();
    const socket = io({
      transports: ['websocket', 'polling'], tryAllTransports: true, reconnectionDelayMax: 4000,
      ...(token ? { auth: { token } } : {}),
    });
    this.socket = socket;
    let joinedBefore = false;
    // Whether the server keeps our session for us while we are away: its CONNECT answer carries a pid then.
    let serverRecovers = false;
    socket.io.on('packet', (p) => {
      if (p.type === 0 && p.nsp === '/') {
        serverRecovers = Boolean(p.data?.pid);
      }
    });
    socket.on('connect', () => {
      console.info(`signaling: connected over ${socket.io.engine.transport.name}${socket.recovered ? ', recovered' : ''}`);
      socket.io.engine.once('upgrade', (t) => console.info(`signaling: upgraded to ${t.name}`));
      if (socket.recovered && this.id) {
        this.emit(SIGNALING.RECOVERED, { id: this.id });
        return;
      }
      if (joinedBefore) {
        this.id = null;
        this.emit(SIGNALING.RESET, {});
      }
      joinedBefore = true;
      this.join();
    });
    socket.on('disconnect', (reason) => {
      // socket.active: the client will reconnect on its own, and may find its session (and room) waiting
      const recoverable = socket.active && serverRecovers;
      if (!recoverable) {
        this.id = null;
      }
      this.emit(SIGNALING.DISCONNECTED, { reason, recoverable });
    });
    socket.on('connect_error', (err) => this.emit(SIGNALING.ERROR, { code: ERROR_CODE.CONNECT_ERROR, message: err.message }));
    const { PEER_JOINED, PEER_LEFT, SIGNAL, MEDIA_ADDED, MEDIA_REMOVED } = SIGNALING;
    for (const ev of [PEER_JOINED, PEER_LEFT, SIGNAL, MEDIA_ADDED, MEDIA_REMOVED]) {
      socket.on(ev, (msg) => {
        if (ev !== SIGNAL) {
          console.info(`signaling: ${ev} ${JSON.stringify(msg).slice(0, 200)}`);
        }
        if (msg && (msg.room === undefined || msg.room === this.room)) {
          this.emit(ev, msg);
        }
      });
    }
    socket.on(SIGNALING.ERROR, (err) => this.emit(SIGNALING.ERROR, err ?? {}));
  }

  async join() {
    const res = await this.request(SIGNALING.JOIN, { room: this.room, name: this.name });
    console.info(`signaling: join answered ${JSON.stringify(res).slice(0, 300)}`);
    if (res.ok) {
      this.id = res.id;
      this.emit(SIGNALING.JOINED, res);
    } else {
      this.emit(SIGNALING.ERROR, res.error ?? { code: ERROR_CODE.JOIN_FAILED, message: 'could not join the room' });
    }
  }

  /** Sends data to one peer; resolves to the ack ({ok: ...}). */
  async signal(to, data) {
    const res = await this.request(SIGNALING.SIGNAL, { room: this.room, to, data });
    if (!res.ok) {
      console.warn(`signaling: signal to ${to} failed: ${res.error?.message}`);
    }
    return res;
  }

  leave() {
    if (this.socket && this.socket.connected) {
      this.socket.emit(SIGNALING.LEAVE, { room: this.room });
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
          resolve({ ok: false, error: { code: ERROR_CODE.TIMEOUT, message: `no answer to ${event}` } });
        } else {
          resolve(res ?? { ok: false, error: { code: ERROR_CODE.BAD_ACK, message: 'empty answer' } });
        }
      });
    });
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
