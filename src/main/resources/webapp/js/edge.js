/**
 * The room page when the room cannot be used: a full room (a clear panel instead of the room, the
 * camera off, a join tried again by itself every few seconds until a place frees, and a "Try again"
 * button), a join refused for another reason, and a room link that is not valid (a page of its own
 * with "New room"). The room comes back as it was once a join succeeds.
 */
import { announceError } from './announce.js';
import { t } from './strings.js';

const $ = (id) => document.getElementById(id);
const RETRY_MS = [2000, 2000, 3000, 3000, 5000]; // then every 5 s

export class RoomBlocked {
  /** @param {{setTimer?: Function, clearTimer?: Function}} clock for tests */
  constructor({ setTimer = (f, ms) => setTimeout(f, ms), clearTimer = (id) => clearTimeout(id) } = {}) {
    this.section = $('room-blocked');
    this.setTimer = setTimer;
    this.clearTimer = clearTimer;
    this.timer = null;
    this.tick = null;
    this.tries = 0;
    this.retry = null;
    $('room-retry').addEventListener('click', () => this.tryNow());
  }

  get blocked() {
    return Boolean(document.body.dataset.blocked);
  }

  show(kind, title, text) {
    document.body.dataset.blocked = kind;
    $('blocked-title').textContent = title;
    $('blocked-text').textContent = text;
    this.section.hidden = false;
  }

  /** The server refused the join because the room is full; {@code retry()} joins again. */
  full(message, capacity, retry) {
    const first = !this.blocked;
    this.retry = retry;
    this.show('full', t('edge.fullTitle'), capacity ? t('edge.fullText', { capacity }) : t('edge.fullTextNoCap'));
    $('room-retry').hidden = false;
    if (first) {
      announceError(`${t('edge.fullTitle')}. ${$('blocked-text').textContent}`);
    }
    this.schedule();
  }

  /** A join refused for another reason (the server's message), with "Try again". */
  refused(message, retry) {
    this.retry = retry;
    this.show('refused', t('edge.refusedTitle'), message);
    $('room-retry').hidden = false;
    announceError(message);
  }

  /** The room's name in the link is not valid: there is no room to go to. */
  badLink() {
    this.show('bad', t('edge.badTitle'), t('edge.badText'));
    $('room-retry').hidden = true;
    $('blocked-wait').textContent = '';
  }

  schedule() {
    this.stopTimers();
    const ms = RETRY_MS[Math.min(this.tries, RETRY_MS.length - 1)];
    this.tries += 1;
    const due = performance.now() + ms;
    const say = () => {
      $('blocked-wait').textContent = t('edge.waiting', { s: Math.max(1, Math.ceil((due - performance.now()) / 1000)) });
    };
    say();
    this.tick = setInterval(say, 1000);
    this.timer = this.setTimer(() => this.tryNow(), ms);
  }

  tryNow() {
    this.stopTimers();
    $('blocked-wait').textContent = t('edge.trying');
    this.retry?.();
  }

  stopTimers() {
    if (this.timer !== null) {
      this.clearTimer(this.timer);
      this.timer = null;
    }
    if (this.tick !== null) {
      clearInterval(this.tick);
      this.tick = null;
    }
  }

  /** Joined: the room shows again. */
  clear() {
    this.stopTimers();
    this.tries = 0;
    if (this.blocked) {
      delete document.body.dataset.blocked;
      this.section.hidden = true;
    }
  }
}
