/**
 * Recording consent: while anyone in the room records, every page shows who (a badge in the header,
 * data-testid "recording-badge") and announces when it starts and stops. The recording person's
 * page tells the others with its profile (js/profile.js) over signaling; a recording saved is told the
 * same way, so the gallery and the incoming area say who recorded it.
 */
import { announce } from './announce.js';
import { el } from './dom.js';
import { LEAVE_REASON, MEMBER } from './events.js';
import { t } from './strings.js';

export class RecordingConsent {
  /** @param badges the header's badge container */
  constructor(badges) {
    this.badges = badges;
    this.shown = new Map(); // peerId (or 'self') -> badge element
  }

  /**
   * Follows the room's members (js/members.js): a badge follows its person's rename and goes when the
   * person leaves the room (not when our own connection dropped: the badge stays until their profile
   * says otherwise after we are back).
   */
  watch(members) {
    members.addEventListener(MEMBER.RENAMED, (e) => {
      const badge = this.shown.get(e.detail.id);
      if (badge) {
        badge.textContent = t('consent.peer', { peer: e.detail.name });
      }
    });
    members.addEventListener(MEMBER.LEFT, (e) => {
      if (e.detail.reason !== LEAVE_REASON.LOST) {
        this.gone(e.detail.member.id, e.detail.member.name);
      }
    });
  }

  /** Our own recording started or stopped. */
  self(on) {
    this.set('self', on, () => t('consent.you'), () => t('consent.startedSelf'), null);
  }

  /** Peer {@code peerId} ({@code name}) records ({@code what}: 'call' or 'self') or stopped. */
  peer(peerId, name, on, what) {
    this.set(peerId, on, () => t('consent.peer', { peer: name }),
      () => t('consent.started', { peer: name, what: t(what === 'call' ? 'consent.theCall' : 'consent.theirCamera') }),
      () => t('consent.stopped', { peer: name }));
  }

  /** A peer left: its badge goes (it stopped recording with its page). */
  gone(peerId, name) {
    this.peer(peerId, name, false);
  }

  set(key, on, label, started, stopped) {
    const badge = this.shown.get(key);
    if (on) {
      if (!badge) {
        const b = el('span', { className: 'rec-badge', 'data-testid': 'recording-badge', dataset: { peer: key } }, label());
        this.badges.append(b);
        this.shown.set(key, b);
        announce(started());
      } else {
        badge.textContent = label(); // a rename
      }
    } else if (badge) {
      badge.remove();
      this.shown.delete(key);
      if (stopped) {
        announce(stopped());
      }
    }
  }

  get recording() {
    return this.shown.has('self');
  }
}
