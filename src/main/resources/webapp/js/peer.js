/**
 * One RTCPeerConnection per peer pair (W3C WebRTC 1.0, "perfect negotiation" example, section 10.7):
 * both ends run the same code; the polite end rolls back its own offer on a collision, the impolite
 * end ignores the other's. Which end is polite follows from the two signaling ids, so glare,
 * renegotiation and ICE restarts need no extra coordination.
 *
 * Three ordered and reliable data channels, opened by the impolite end: "control" for JSON and "data"
 * for binary chunks (photos), and "chat" for chat messages (js/chat.js). Audio and video tracks are
 * added by js/call.js on {@code pc}; the same negotiation carries them.
 *
 * A connection that is gone for good while both ends are still in the room is replaced by a new
 * RTCPeerConnection; js/rebuild.js decides when and how often, and keeps the generation number
 * of the current connection that every signal carries ("gen").
 *
 * Events: "state" (detail: "connecting" | "connected" | "relayed" | "rebuilding" | "failed" | "closed"),
 * "ready" (both channels open; this.transfers is usable), "unready", "chat" (detail: the chat channel,
 * once it exists; it may still be connecting), "rebuilt" (a new pc: tracks must be added to it again),
 * "rebuild" (detail: {phase: "waiting" | "connected" | "gave-up", attempt, max}).
 */
import { Rebuilder } from './rebuild.js';
import { TransferLink } from './transfer.js';

/** How long a pair may stay unconnected before it negotiates again. */
const STALL_MS = 4000;

export class PeerLink extends EventTarget {
  /**
   * @param selfId     our signaling id
   * @param peerId     theirs
   * @param rtcConfig  RTCConfiguration (iceServers, iceTransportPolicy)
   * @param sendSignal function(data) that delivers data to this peer over signaling
   */
  constructor(selfId, peerId, rtcConfig, sendSignal, { messageLimit = 0, client = null } = {}) {
    super();
    this.peerId = peerId;
    this.polite = selfId > peerId;
    this.sendSignal = sendSignal;
    this.state = 'connecting';
    this.path = null; // "direct" | "relayed" once connected
    this.createdAt = performance.now();
    this.makingOffer = false;
    this.ignoreOffer = false;
    this.queue = Promise.resolve();
    this.transfers = null;
    this.closed = false;
    this.messageLimit = messageLimit; // an upper bound below the negotiated one (tuning, benchmarks); 0: none
    this.client = client; // our stable client id, for the transfer link's hello

    this.selfId = selfId;
    this.rtcConfig = rtcConfig;
    this.rebuilder = new Rebuilder(this);
    this.pc = null;
    this.open();
  }

  /** Which connection of this pair we are on (js/rebuild.js). */
  get gen() {
    return this.rebuilder.gen;
  }

  /** Rebuild attempts since the pair was last connected. */
  get rebuilds() {
    return this.rebuilder.rebuilds;
  }

  /** Sends {@code data} to the peer, tagged with the generation of our connection. */
  signal(data) {
    this.sendSignal({ ...data, gen: this.gen });
  }

  /** A fresh RTCPeerConnection for the current generation, its channels and handlers. */
  open() {
    const pc = new RTCPeerConnection(this.rtcConfig);
    this.pc = pc;
    this.control = null;
    this.data = null;
    this.chat = null;
    this.pendingCandidates = [];
    this.makingOffer = false;
    this.ignoreOffer = false;
    this.rebuilder.opened();
    const current = (handler) => (e) => {
      if (pc === this.pc && !this.closed) {
        handler(e);
      }
    };
    // One end opens the channels (RFC 8832 announces them to the other), so a new pair negotiates
    // once instead of starting with a guaranteed offer collision; later renegotiations and ICE
    // restarts may collide and are handled by the perfect negotiation below.
    if (!this.polite) {
      this.attach(pc.createDataChannel('control', { ordered: true, priority: 'high' }));
      this.attach(pc.createDataChannel('data', { ordered: true }));
      this.attach(pc.createDataChannel('chat', { ordered: true }));
    } else {
      pc.addEventListener('datachannel', current(({ channel }) => this.attach(channel)));
    }

    pc.addEventListener('negotiationneeded', current(async () => {
      try {
        this.makingOffer = true;
        console.debug(`peer ${this.peerId}: negotiation needed in ${pc.signalingState}`);
        await pc.setLocalDescription();
        if (pc === this.pc) {
          this.signal({ description: pc.localDescription.toJSON() });
        }
      } catch (e) {
        console.warn('offer failed', e);
      } finally {
        this.makingOffer = false;
      }
    }));
    pc.addEventListener('icecandidate', current(({ candidate }) => {
      if (candidate) {
        this.signal({ candidate: candidate.toJSON() });
      }
    }));
    pc.addEventListener('connectionstatechange', current(() => this.connectionChanged()));
    this.stalls = 0;
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => this.unstick(), STALL_MS);
  }

  /** Closes the current connection and opens a fresh one (for the generation js/rebuild.js moved to). */
  replace() {
    const old = this.pc;
    old.close();
    this.open();
  }

  dropTransfers(reason) {
    if (this.transfers) {
      const t = this.transfers;
      this.transfers = null;
      t.close(reason);
      this.dispatchEvent(new Event('unready'));
    }
  }

  /**
   * A pair still not connected after a while most likely lost a signaling message: the end holding
   * an unanswered offer rolls it back (which negotiates again), any other end restarts ICE.
   */
  async unstick() {
    if (this.closed || this.state !== 'connecting' || this.stalls >= 3) {
      return;
    }
    this.stalls++;
    console.warn(`peer ${this.peerId}: not connected after ${this.stalls * STALL_MS} ms (${this.pc.signalingState}); negotiating again`);
    try {
      if (this.pc.signalingState === 'have-local-offer') {
        await this.pc.setLocalDescription({ type: 'rollback' });
      } else if (!this.polite && this.pc.signalingState === 'stable') {
        this.pc.restartIce();
      }
    } catch (e) {
      console.warn('renegotiation failed', e);
    }
    this.watchdog = setTimeout(() => this.unstick(), STALL_MS);
  }

  /** True when both data channels are open. */
  get ready() {
    return this.transfers !== null;
  }

  /** Feeds a signaling message from this peer; messages are handled strictly one after another. */
  handleSignal(data) {
    this.queue = this.queue.then(() => this.applySignal(data)).catch((e) => console.warn('signal failed', e));
    return this.queue;
  }

  async applySignal({ description, candidate, kind, gen: sent }) {
    if (this.closed) {
      return;
    }
    const gen = Number.isSafeInteger(sent) && sent >= 0 ? sent : 0;
    if (!this.rebuilder.follow(kind, gen)) {
      return;
    }
    const pc = this.pc;
    console.debug(`peer ${this.peerId}: got ${description ? description.type : 'candidate'} in ${pc.signalingState}`
      + `${this.makingOffer ? ' while making an offer' : ''}`);
    if (description) {
      const collision = description.type === 'offer' && (this.makingOffer || pc.signalingState !== 'stable');
      this.ignoreOffer = !this.polite && collision;
      if (this.ignoreOffer) {
        return;
      }
      try {
        await pc.setRemoteDescription(description); // rolls back our own offer when polite
      } catch (e) {
        if (e.name === 'InvalidAccessError' && pc === this.pc) {
          // the two ends no longer agree on the session (m-lines after a collision): no later
          // offer can fix that, a new connection can
          this.rebuilder.lost(`negotiation broke (${e.message})`);
          return;
        }
        throw e;
      }
      if (description.type === 'offer') {
        await pc.setLocalDescription();
        this.signal({ description: pc.localDescription.toJSON() });
      }
      const early = this.pendingCandidates;
      this.pendingCandidates = [];
      for (const c of early) {
        await pc.addIceCandidate(c).catch(() => {}); // may belong to an offer we ignored
      }
    } else if (candidate) {
      if (!pc.remoteDescription) {
        this.pendingCandidates.push(candidate); // the description it belongs to is still on its way
        return;
      }
      try {
        await pc.addIceCandidate(candidate);
      } catch (e) {
        if (!this.ignoreOffer) {
          throw e;
        }
      }
    }
  }

  /** Resolves true when both channels are open, false when that has not happened within {@code ms}. */
  waitReady(ms) {
    if (this.ready) {
      return Promise.resolve(true);
    }
    if (this.closed || this.state === 'failed' || ms <= 0) {
      return Promise.resolve(false);
    }
    return new Promise((resolve) => {
      const done = (ok) => {
        clearTimeout(timer);
        this.removeEventListener('ready', onReady);
        this.removeEventListener('state', onState);
        resolve(ok);
      };
      const onReady = () => done(true);
      const onState = () => {
        if (this.closed || this.state === 'failed') {
          done(false);
        }
      };
      const timer = setTimeout(() => done(false), ms);
      this.addEventListener('ready', onReady);
      this.addEventListener('state', onState);
    });
  }

  attach(channel) {
    if (channel.label === 'chat' && !this.chat) {
      this.chat = channel;
      this.dispatchEvent(new CustomEvent('chat', { detail: channel }));
      return;
    }
    if (channel.label === 'control' && !this.control) {
      this.control = channel;
    } else if (channel.label === 'data' && !this.data) {
      this.data = channel;
      channel.binaryType = 'arraybuffer';
    } else {
      channel.close(); // not a channel this app opens
      return;
    }
    channel.addEventListener('open', () => this.channelsChanged());
    channel.addEventListener('close', () => this.channelsChanged());
    this.channelsChanged();
  }

  channelsChanged() {
    const open = this.control?.readyState === 'open' && this.data?.readyState === 'open';
    if (open && !this.transfers && !this.closed) {
      let max = this.pc.sctp?.maxMessageSize ?? 0;
      if (this.messageLimit > 0) {
        max = max > 0 && max !== Infinity ? Math.min(max, this.messageLimit) : this.messageLimit;
      }
      this.transfers = new TransferLink(this.control, this.data, { maxMessageSize: max, client: this.client });
      this.dispatchEvent(new Event('ready'));
    } else if (!open && this.transfers) {
      const t = this.transfers;
      this.transfers = null;
      t.close('the data channel closed');
      this.dispatchEvent(new Event('unready'));
    }
  }

  async connectionChanged() {
    const s = this.pc.connectionState;
    if (s === 'connected') {
      const recovered = this.rebuilder.connected();
      this.path = await selectedPath(this.pc);
      this.setState(this.path === 'relayed' ? 'relayed' : 'connected');
      if (recovered) {
        this.rebuilder.recovered();
      }
    } else if (s === 'failed') {
      if (this.state !== 'rebuilding') {
        this.setState('failed');
      }
      this.rebuilder.failed();
    } else if (s === 'closed') {
      this.setState('closed');
    } else if (s === 'new' || s === 'connecting') {
      if (this.state !== 'failed' && this.state !== 'rebuilding') {
        this.setState('connecting');
      }
    }
  }

  /**
   * Restarts ICE (new credentials, fresh candidates) after the network changed; perfect negotiation
   * carries the new offer, so either end may call it.
   */
  restartIce() {
    if (!this.closed && this.pc.connectionState !== 'closed') {
      console.info(`peer ${this.peerId}: ICE restart`);
      this.pc.restartIce();
    }
  }

  setState(state) {
    if (this.state !== state) {
      console.info(`peer ${this.peerId}: ${state}${this.path ? ` (${this.path})` : ''}`);
      this.state = state;
      this.dispatchEvent(new CustomEvent('state', { detail: state }));
    }
  }

  close() {
    if (this.closed) {
      return;
    }
    this.closed = true;
    clearTimeout(this.watchdog);
    this.rebuilder.stop();
    if (this.transfers) {
      const t = this.transfers;
      this.transfers = null;
      t.close('the peer left');
    }
    this.pc.close();
    this.setState('closed');
  }
}

/** "relayed" when the selected candidate pair uses a TURN relay at either end, else "direct". */
export async function selectedPath(pc) {
  try {
    const stats = await pc.getStats();
    let pair = null;
    stats.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) {
        pair = stats.get(s.selectedCandidatePairId);
      }
    });
    if (!pair) {
      stats.forEach((s) => {
        if (!pair && s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated) {
          pair = s;
        }
      });
    }
    if (!pair) {
      return 'direct';
    }
    const local = stats.get(pair.localCandidateId);
    const remote = stats.get(pair.remoteCandidateId);
    return local?.candidateType === 'relay' || remote?.candidateType === 'relay' ? 'relayed' : 'direct';
  } catch (e) {
    return 'direct';
  }
}
