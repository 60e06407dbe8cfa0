/**
 * The room's members: one row per member in the member list (name, connection state, quality), one
 * PeerLink per other member, and what the live regions and notifications tell about a member's
 * connection and transfers. The parts that follow members (the call, chat, file sharing, recording
 * consent) listen to its events (js/events.js MEMBER): JOINED when a member and its link are new, RENAMED
 * when its name changes, LEFT (detail {member, reason}) just before its link closes.
 */
import { announce, announceError } from './announce.js';
import { el, formatBytes } from './dom.js';
import { PeerLink } from './peer.js';
import { MAX_REBUILDS } from './rebuild.js';
import { hasString, t } from './strings.js';
import { holdWhileBusy, SERVER_BUSY } from './wakelock.js';
import { nameTag } from './names.js';
import { verificationCode } from './verify.js';
import { LEAVE_REASON, MEMBER } from './events.js';

const $ = (id) => document.getElementById(id);

export class Members extends EventTarget {
  /**
   * @param page   the room page's shared parts (js/room.js): members, selfId, rtcConfig, signaling,
   *               notifier, arrivals, clientId, messageLimit
   * @param photos the room's js/photos.js, told about each member's photo transfers
   */
  constructor(page, photos) {
    super();
    this.page = page;
    this.photos = photos;
    this.selfName = null; // the name element of our own row
  }

  renderSelf() {
    const list = $('member-list');
    this.selfName = nameTag(this.page.selfId, $('my-name').value);
    list.prepend(el('li', { className: 'self', dataset: { peer: this.page.selfId } },
      el('span', {}, this.selfName, t('room.youSuffix'))));
  }

  /** Our own new name, in our own row. */
  renameSelf(name) {
    if (this.page.selfId && this.selfName) {
      this.selfName.textContent = name;
    }
  }

  /** Member {@code id} is now called {@code name}: its row shows it, and RENAMED tells the others. */
  rename(id, name) {
    const m = this.page.members.get(id);
    if (!m || !name || name === m.name) {
      return;
    }
    m.name = name;
    m.nameElement.textContent = name;
    this.emit(MEMBER.RENAMED, m);
  }

  /** A new member (its row and link; JOINED), or a known one under a new name (RENAMED). */
  add(id, name) {
    const page = this.page;
    const existing = page.members.get(id);
    if (existing) {
      this.rename(id, name);
      return existing;
    }
    const stateElement = el('span', { className: 'peer-state', 'data-testid': 'peer-state', dataset: { peer: id, state: 'connecting' } }, t('peer.connecting'));
    const nameElement = nameTag(id, name ?? t('room.guest'));
    const verifyElement = el('span', {
      className: 'verify-code', 'data-testid': 'verify-code', dataset: { peer: id }, hidden: true,
    });
    const element = el('li', { dataset: { peer: id } }, nameElement, stateElement, verifyElement);
    $('member-list').append(element);
    const m = { id, name: name ?? t('room.guest'), nameElement, element, stateElement, verifyElement, link: null };
    page.members.set(id, m);
    const link = new PeerLink(page.selfId, id, page.rtcConfig, (data) => page.signaling.signal(id, data),
      { messageLimit: page.messageLimit, client: page.clientId });
    m.link = link;
    m.qualityElement = el('span', { className: 'member-quality hint', 'data-testid': 'member-quality', dataset: { peer: id } });
    element.append(m.qualityElement);
    link.addEventListener('state', (e) => {
      if (e.detail !== 'closed') {
        stateElement.dataset.state = e.detail;
        stateElement.textContent = hasString(`peer.${e.detail}`)
          ? t(`peer.${e.detail}`, { attempt: Math.max(link.rebuilds, 1), max: MAX_REBUILDS }) : e.detail;
      }
      if (e.detail === 'connected' || e.detail === 'relayed') {
        showVerification(m, link.pc);
      }
    });
    link.addEventListener('rebuild', (e) => tellRebuild(m, e.detail));
    link.addEventListener('ready', () => {
      link.transfers.addEventListener('incoming', (e) => this.photos.onIncoming(m, e.detail));
      link.transfers.addEventListener('update', (e) => this.photos.onTransferUpdate(m, e.detail));
      this.watchTransfers(m, link.transfers);
    });
    this.emit(MEMBER.JOINED, m);
    return m;
  }

  /** What a peer's transfers tell the person: offers (live region, notification when hidden), results; the wake lock. */
  watchTransfers(m, transfers) {
    holdWhileBusy(transfers);
    this.tellAbout(transfers, () => m);
  }

  /** The same for files through the server (js/file-server.js), whose transfers name their peer. */
  watchServerFiles(server) {
    holdWhileBusy(server, SERVER_BUSY);
    this.tellAbout(server, (x) => this.page.members.get(x.peer) ?? { id: x.peer, name: t('room.guest') });
  }

  /** Announces offers and results of {@code transfers}' events; {@code memberOf(transfer)}: {id, name}. */
  tellAbout(transfers, memberOf) {
    transfers.addEventListener('offer', (e) => {
      const f = e.detail;
      const m = memberOf(f);
      const size = formatBytes(f.size);
      this.page.arrivals.arrived(t('announce.offer', { peer: m.name, name: f.name, size }));
      this.page.notifier.notify(t('notify.offerTitle', { peer: m.name }), t('notify.offerBody', { name: f.name, size }), `offer-${m.id}-${f.id}`);
    });
    const told = new WeakSet();
    transfers.addEventListener('update', (e) => {
      const x = e.detail;
      if (told.has(x) || !['verified', 'failed'].includes(x.state)) {
        return;
      }
      told.add(x);
      const m = memberOf(x);
      const values = { peer: m.name, name: x.name, error: x.error ?? '' };
      if (x.state === 'failed') {
        announceError(t('announce.fileFailed', values));
      } else if (x.direction === 'out') {
        announce(t('announce.fileSent', values));
      } else {
        announce(t(x.kind === 'file' ? 'announce.fileReceived' : 'announce.photoReceived', values));
      }
    });
  }

  remove(id, reason) {
    const page = this.page;
    const m = page.members.get(id);
    if (!m) {
      return;
    }
    page.members.delete(id);
    this.emit(MEMBER.LEFT, { member: m, reason });
    m.link.close(); // fails this peer's unfinished transfers, which updates their cards
    m.element.remove();
    this.photos.peerGone(id, reason);
  }

  /** Our own signaling connection dropped: every member goes (reason LEAVE_REASON.LOST). */
  reset() {
    for (const id of [...this.page.members.keys()]) {
      this.remove(id, LEAVE_REASON.LOST);
    }
    $('member-list').replaceChildren();
    this.selfName = null;
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

/** A connection lost for good and rebuilt: the member row says which attempt, the live regions tell. */
function tellRebuild(m, { phase, attempt, max }) {
  if (phase === 'waiting') {
    m.stateElement.textContent = t('peer.rebuilding', { attempt, max });
    announce(t('announce.rebuilding', { peer: m.name, attempt, max }));
  } else if (phase === 'connected') {
    announce(t('announce.rebuilt', { peer: m.name }));
  } else if (phase === 'gave-up') {
    announceError(t('announce.rebuildFailed', { peer: m.name, max }));
  }
}

/** The connection's verification code (js/verify.js) in the member row, to compare with the other screen. */
async function showVerification(m, pc) {
  const code = await verificationCode(pc);
  if (code && m.link?.pc === pc) {
    m.verifyElement.textContent = t('peer.verify', { code });
    m.verifyElement.title = t('peer.verifyHint', { peer: m.name });
    m.verifyElement.dataset.code = code;
    m.verifyElement.hidden = false;
  }
}
