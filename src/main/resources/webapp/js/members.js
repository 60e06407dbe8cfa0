/**
 * The room's members: one row per member in the member list (name, connection state, quality), one
 * PeerLink per other member wired to the call, the chat, file sharing and photos, and what the live
 * regions and notifications tell about a member's connection and transfers.
 */
import { announce, announceError } from './announce.js';
import { el, formatBytes } from './dom.js';
import { PeerLink } from './peer.js';
import { MAX_REBUILDS } from './rebuild.js';
import { hasString, t } from './strings.js';
import { holdWhileBusy, SERVER_BUSY } from './wakelock.js';
import { nameTag, renameEverywhere } from './names.js';
import { verificationCode } from './verify.js';

const $ = (id) => document.getElementById(id);

export class Members {
  /**
   * @param page   the room page's shared parts (js/room.js): members, selfId, rtcConfig, signaling,
   *               call, chat, files, notifier, clientId, messageLimit
   * @param photos the room's js/photos.js, told about each member's photo transfers
   */
  constructor(page, photos) {
    this.page = page;
    this.photos = photos;
  }

  renderSelf() {
    const list = $('member-list');
    list.prepend(el('li', { className: 'self', dataset: { peer: this.page.selfId } },
      el('span', {}, nameTag(this.page.selfId, $('my-name').value), t('room.youSuffix'))));
  }

  /** Our own new name, in our own row. */
  renameSelf(name) {
    if (this.page.selfId) {
      renameEverywhere(this.page.selfId, name);
    }
  }

  add(id, name) {
    const page = this.page;
    const existing = page.members.get(id);
    if (existing) {
      existing.name = name ?? existing.name;
      page.call?.rename(id, existing.name);
      page.files?.rename(id, existing.name);
      renameEverywhere(id, existing.name);
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
    this.attachCallAndChat(m);
    page.files.attach(id, m.name, link);
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
    return m;
  }

  /** Every new link: our media if we are in the call, its remote media in the grid, its chat channel. */
  attachCallAndChat(m) {
    const { call, chat } = this.page;
    m.qualityElement = el('span', { className: 'member-quality hint', 'data-testid': 'member-quality', dataset: { peer: m.id } });
    m.element.append(m.qualityElement);
    call.attach(m.link, m.name);
    if (m.link.chat) {
      chat.attach(m.id, m.link.chat);
    }
    m.link.addEventListener('chat', (e) => chat.attach(m.id, e.detail));
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
    page.call?.detach(id);
    page.chat?.detach(id);
    page.files?.detach(id);
    m.link.close(); // fails this peer's unfinished transfers, which updates their cards
    m.element.remove();
    this.photos.peerGone(id, reason);
  }

  reset() {
    for (const id of [...this.page.members.keys()]) {
      this.remove(id, 'disconnected');
    }
    $('member-list').replaceChildren();
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
