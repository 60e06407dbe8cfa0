/**
 * Rebuilding a pair's connection (js/peer.js) once it is gone for good while both ends are still in
 * the room: this module owns telling "gone for good" apart (closed; failed again after its one ICE
 * restart; a rebuilt connection that never connects), the generation number every signal carries,
 * the doubling backoff between attempts (1 s up to 16 s), the limit of MAX_REBUILDS attempts without
 * a connection in between, and the "rebuilding" state with its "rebuild" and "rebuilt" events.
 *
 * Only the impolite end (the smaller signaling id) opens a new connection and offers; the polite end
 * asks for one with a {kind:"rebuild"} signal. Signals for an older generation are dropped, one for a
 * newer one makes the receiver follow, so the two ends never offer new connections at each other.
 */
import { SIGNAL_KIND } from './events.js';

/** How often a pair checks whether its connection is gone for good. */
const HEALTH_MS = 1000;
/** How long a connection may stay failed (its ICE restart included) before it is rebuilt. */
const FAILED_MS = 5000;
/** How long a rebuilt connection may take to connect before the next attempt. */
const REBUILT_CONNECT_MS = 20000;
/** Rebuild attempts without a connection in between, and their backoff (doubling, capped). */
export const MAX_REBUILDS = 5;
const REBUILD_BASE_MS = 1000;
const REBUILD_MAX_MS = 16000;
/** How long the polite end waits for the new connection it asked for before it counts another attempt. */
const ASK_WAIT_MS = 5000;

export class Rebuilder {
  /**
   * @param link the PeerLink whose connection this rebuilds: its pc, polite, closed and state are read;
   *             signal(), replace(), dropTransfers(), setState() and dispatchEvent() are called
   */
  constructor(link) {
    this.link = link;
    this.gen = 0; // which connection of this pair we are on; every signal carries it
    this.rebuilds = 0; // rebuild attempts since the pair was last connected
    this.timer = null;
    this.troubleSince = 0; // when the current connection was last seen failed or closed (0: it is not)
    this.askedAt = 0;
    this.gaveUp = false;
    this.restarted = false;
    this.openedAt = performance.now();
    this.health = setInterval(() => this.check(), HEALTH_MS);
  }

  /** A fresh connection was opened: its own ICE restart, its own time to connect. */
  opened() {
    this.restarted = false;
    this.openedAt = performance.now();
  }

  /**
   * Every second: a connection that is closed, or still failed after its ICE restart, or a rebuilt
   * one that never connects, is gone for good while both of us are still in the room: rebuild it.
   */
  check() {
    if (this.link.closed || this.timer || this.gaveUp) {
      return;
    }
    const s = this.link.pc.connectionState;
    const now = performance.now();
    if (s === 'closed' || s === 'failed') {
      this.troubleSince ||= now;
    } else {
      this.troubleSince = 0;
    }
    if (this.askedAt && now - this.askedAt < ASK_WAIT_MS) {
      return; // we asked the other end for a new connection: give its offer time to arrive
    }
    const dead = s === 'closed'
      || (s === 'failed' && now - this.troubleSince > FAILED_MS)
      || (this.gen > 0 && s !== 'connected' && now - this.openedAt > REBUILT_CONNECT_MS);
    if (dead) {
      this.lost(`the connection is ${s}`);
    }
  }

  /** The connection failed: one ICE restart first; if that fails too, the connection is lost. */
  failed() {
    if (!this.restarted) {
      this.restarted = true; // one ICE restart; if it fails too, check() rebuilds the connection
      this.link.pc.restartIce();
    } else {
      this.lost('ICE failed again after its restart');
    }
  }

  /** The connection is up; returns whether it recovered from a rebuild (call {@code recovered()} then). */
  connected() {
    this.restarted = false; // a later failure (another network change) gets its own restart
    const recovered = this.link.state === 'rebuilding';
    this.rebuilds = 0;
    this.gaveUp = false;
    return recovered;
  }

  recovered() {
    this.link.dispatchEvent(new CustomEvent('rebuild', { detail: { phase: 'connected', gen: this.gen } }));
  }

  /**
   * The connection is gone for good: after a backoff, the impolite end (the smaller signaling id)
   * opens a new one and offers; the polite end asks it to. Only one end ever offers a new
   * connection, so the two never collide; the generation number tells both which one is current.
   */
  lost(why) {
    const link = this.link;
    if (link.closed || this.timer || this.gaveUp) {
      return;
    }
    if (this.rebuilds >= MAX_REBUILDS) {
      this.gaveUp = true;
      console.warn(`peer ${link.peerId}: giving up after ${this.rebuilds} new connections (${why})`);
      link.setState('failed');
      link.dispatchEvent(new CustomEvent('rebuild', { detail: { phase: 'gave-up', attempt: this.rebuilds, max: MAX_REBUILDS } }));
      return;
    }
    this.rebuilds++;
    const delay = Math.min(REBUILD_BASE_MS * 2 ** (this.rebuilds - 1), REBUILD_MAX_MS);
    console.warn(`peer ${link.peerId}: ${why}; new connection ${this.rebuilds} of ${MAX_REBUILDS} in ${delay} ms`);
    link.dropTransfers('the connection was lost');
    link.setState('rebuilding');
    link.dispatchEvent(new CustomEvent('rebuild', { detail: { phase: 'waiting', attempt: this.rebuilds, max: MAX_REBUILDS, delay } }));
    this.timer = setTimeout(() => {
      this.timer = null;
      if (link.closed) {
        return;
      }
      if (link.polite) {
        this.troubleSince = 0;
        this.openedAt = performance.now();
        link.signal({ kind: SIGNAL_KIND.REBUILD }); // the other end opens generation gen + 1
        this.askedAt = performance.now();
      } else {
        this.rebuild(this.gen + 1);
      }
    }, delay);
  }

  /**
   * Sorts a signal by the generation it was sent for: false when it needs nothing more (one for an
   * older connection, or the other end asking for a new one), true when the current connection takes it,
   * after following the other end to a newer connection it opened.
   */
  follow(kind, gen) {
    if (gen < this.gen) {
      return false; // for a connection this pair no longer has
    }
    if (kind === SIGNAL_KIND.REBUILD) {
      if (!this.link.polite && gen === this.gen) {
        this.rebuild(this.gen + 1); // the other end lost our connection: a new one, offered by us
      }
      return false;
    }
    if (gen > this.gen) {
      this.rebuild(gen); // the other end opened a new connection: follow it
    }
    return true;
  }

  /** Replaces the connection with a fresh one of generation {@code gen}; "rebuilt" lets call and chat follow. */
  rebuild(gen) {
    const link = this.link;
    this.gen = gen;
    link.dropTransfers('the connection was rebuilt');
    this.askedAt = 0;
    clearTimeout(this.timer);
    this.timer = null;
    this.troubleSince = 0;
    link.replace();
    console.info(`peer ${link.peerId}: new connection (generation ${gen})`);
    if (link.state !== 'rebuilding') {
      link.setState('rebuilding');
    }
    link.dispatchEvent(new CustomEvent('rebuilt', { detail: { gen } }));
  }

  /** The pair is over: no more checks or attempts. */
  stop() {
    clearTimeout(this.timer);
    clearInterval(this.health);
  }
}
