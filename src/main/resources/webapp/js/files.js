/**
 * The Files section: files of any type, several at once, offered to every peer in the room over the
 * pair's TransferLink (js/transfer.js: {t:"offer"} then chunks after the receiver's accept). The
 * receiver accepts or declines each offer (or ticks "auto-accept" for a peer), checks storage first,
 * writes to the Origin Private File System in a Worker (js/opfs.js) and offers the stored file for
 * download once its size and SHA-256 match. Progress and cancel on both sides.
 *
 * Resume: every browser has a stable client id (js/room.js keeps it in localStorage), told to each
 * peer in the link's hello and in offers. A transfer cut off by a closed link or a reload of the
 * receiver ends "interrupted": the receiver keeps the partial file and its record (js/opfs.js), the
 * sender keeps the File and offers it again when that client's link is back; the receiver, finding its
 * record, accepts from the offset it holds and the sender continues there.
 *
 * Server fallback: a peer whose channels do not open in time gets the file through the server
 * (js/file-server.js): uploaded once, announced over signaling, downloaded into OPFS and checked.
 */
import { el, formatBytes } from './dom.js';
import { Sha256 } from './sha256.js';
import { opfsSink, partialName, readPartial, removeStored, storageProblem, sweepStored } from './opfs.js';
import { ServerFiles } from './file-server.js';
import { isFinal } from './transfer.js';
import { makeThumbnail } from './thumbnail.js';
import { shareButton } from './share-out.js';
import { t as text } from './strings.js';
import { fileStatus, Rate } from './file-status.js';
import { nameTag } from './names.js';
import { MEMBER } from './events.js';

const HASH_BLOCK = 4 * 1024 * 1024;
const ACTIVE = ['offered', 'sending', 'sent', 'receiving', 'verifying', 'uploading', 'downloading', 'interrupted'];

/** SHA-256 of a Blob, read in slices so the file is never whole in memory. */
export async function hashFile(file, onProgress = () => {}) {
  const sha = new Sha256();
  for (let at = 0; at < file.size; at += HASH_BLOCK) {
    sha.update(new Uint8Array(await file.slice(at, Math.min(file.size, at + HASH_BLOCK)).arrayBuffer()));
    onProgress(Math.min(file.size, at + HASH_BLOCK), file.size);
  }
  return sha.hex();
}

export class FileShare {
  /**
   * @param section the Files section; @param makeId function giving a fresh random id
   * @param options {client: our stable client id, room, signal(to, data) -> Promise<ack> over signaling,
   *  fallbackMs: how long a peer's channels may take to open before the server path is used,
   *  incomingList: where rows of files coming in go (the incoming area; else the section's list),
   *  onIncoming(element): a new incoming row was shown}
   */
  constructor(section, makeId, {
    client = null, room = null, signal = null, fallbackMs = 5000, incomingList = null, onIncoming = () => {},
  } = {}) {
    this.makeId = makeId;
    this.client = client;
    this.server = room && signal ? new ServerFiles(this, room, signal) : null;
    this.fallbackMs = fallbackMs;
    this.input = section.querySelector('[data-testid=files-input]');
    this.list = section.querySelector('[data-testid=files-list]');
    this.incomingList = incomingList ?? this.list;
    this.onIncoming = onIncoming;
    this.peerList = section.querySelector('[data-testid=files-peers]');
    this.message = section.querySelector('[data-testid=files-message]');
    this.peers = new Map(); // peerId -> {name, link, auto: checkbox, element, client, transfers (after its hello)}
    this.rows = new Map(); // row key -> row
    this.unfinished = new Map(); // `${client}/${id}` -> {id, file, name, type, sha256, client, rowKey, sentBefore, live}
    this.input.addEventListener('change', () => {
      const files = [...this.input.files];
      this.input.value = '';
      this.sendFiles(files);
    });
    this.swept = sweepStored().catch(() => []);
    section.querySelector('[data-testid=files-clear]')?.addEventListener('click', () => this.clearFinished());
    this.takeDrops(section);
  }

  /** Files of any kind dropped on the section are sent to everyone. */
  takeDrops(section) {
    section.addEventListener('dragover', (e) => {
      e.preventDefault();
      e.stopPropagation();
      section.classList.add('over');
    });
    section.addEventListener('dragleave', () => section.classList.remove('over'));
    section.addEventListener('drop', (e) => {
      e.preventDefault();
      e.stopPropagation(); // not the page's photo drop
      section.classList.remove('over');
      const files = [...(e.dataTransfer?.files ?? [])];
      if (files.length > 0) {
        this.sendFiles(files);
      }
    });
  }

  /** Removes the rows of transfers that are over (delivered, failed, cancelled), both ways. */
  clearFinished() {
    for (const [key, row] of this.rows) {
      if (['verified', 'failed', 'cancelled'].includes(row.transfer?.state)) {
        row.element.remove();
        this.rows.delete(key);
      }
    }
  }

  /** A peer's link: its offers and updates reach this section whenever its channels are open. */
  attach(peerId, name, link) {
    const auto = el('input', { type: 'checkbox', 'data-testid': 'files-auto-accept', dataset: { peer: peerId } });
    const label = el('span', {}, name);
    const element = el('li', { dataset: { peer: peerId } }, el('label', {}, auto, text('files.autoAccept'), label));
    this.peerList.append(element);
    const p = { name, link, auto, element, label, client: null };
    this.peers.set(peerId, p);
    const listen = () => {
      const transfers = link.transfers; // kept: the link drops it before it closes
      transfers.addEventListener('offer', (e) => this.onOffer(peerId, e.detail));
      transfers.addEventListener('update', (e) => e.detail.kind === 'file' && this.onUpdate(peerId, transfers, e.detail));
      transfers.addEventListener('hello', (e) => this.onHello(peerId, transfers, e.detail.client));
    };
    if (link.ready) {
      listen();
    }
    link.addEventListener('ready', listen);
  }

  /** Follows the room's members (js/members.js): each new member's link, renames, departures. */
  watch(members) {
    members.addEventListener(MEMBER.JOINED, (e) => this.attach(e.detail.id, e.detail.name, e.detail.link));
    members.addEventListener(MEMBER.RENAMED, (e) => this.rename(e.detail.id, e.detail.name));
    members.addEventListener(MEMBER.LEFT, (e) => this.detach(e.detail.member.id));
  }

  /** The peer's new name in its auto-accept line and on its transfer rows. */
  rename(peerId, name) {
    const p = this.peers.get(peerId);
    if (p) {
      p.name = name;
      p.label.textContent = name;
    }
    for (const row of this.rows.values()) {
      if (row.element.dataset.peer === peerId) {
        row.element.querySelector('[data-testid=peer-name]').textContent = name;
      }
    }
  }

  detach(peerId) {
    this.peers.get(peerId)?.element.remove();
    this.peers.delete(peerId);
    this.server?.detach(peerId);
  }

  async sendFiles(files) {
    this.message.hidden = true;
    const targets = [...this.peers.entries()];
    if (targets.length === 0) {
      this.say(text('files.nobody'));
      return;
    }
    for (const file of files) {
      const id = this.makeId();
      const sha256 = await hashFile(file);
      const thumb = await makeThumbnail(file);
      const source = {
        id, file, name: file.name, type: file.type || 'application/octet-stream', sha256, thumb, upload: null,
      };
      for (const [peerId, p] of targets) {
        this.deliver(peerId, p, source);
      }
    }
  }

  /** Offers a file to a peer over its channels, or through the server when they do not open in time. */
  async deliver(peerId, p, source) {
    const link = p.link;
    const ready = link.ready || await link.waitReady(this.fallbackMs - (performance.now() - link.createdAt));
    if (!this.peers.has(peerId)) {
      return;
    }
    if (ready && link.transfers) {
      try {
        link.transfers.offer({
          id: source.id, name: source.name, type: source.type, file: source.file, sha256: source.sha256,
          thumb: source.thumb, extra: { source: source.file, offerThumb: source.thumb },
        });
        return;
      } catch (e) {
        // the link closed under us: the server path below
      }
    }
    if (!this.server) {
      this.say(text('files.noConnection', { name: source.name, peer: p.name }));
      return;
    }
    this.server.send(peerId, p, source);
  }

  /** A peer's stable client id arrived: offer it again what it did not finish receiving. */
  onHello(peerId, transfers, client) {
    const p = this.peers.get(peerId);
    if (p) {
      p.client = client;
      p.transfers = transfers;
    }
    this.offerUnfinished(client, transfers);
  }

  /** Offers {@code client}, over {@code transfers}, every file it has not finished receiving from us. */
  offerUnfinished(client, transfers) {
    for (const entry of this.unfinished.values()) {
      if (entry.client !== client || (entry.live && !isFinal(entry.live.state)) || transfers.closed) {
        continue;
      }
      entry.live = transfers.offer({
        id: entry.id, name: entry.name, type: entry.type, file: entry.file, sha256: entry.sha256, thumb: entry.thumb,
        extra: { entry, rowKey: entry.rowKey, source: entry.file, offerThumb: entry.thumb },
      });
    }
  }

  onUpdate(peerId, transfers, t) {
    if (t.direction === 'out') {
      const client = transfers.remoteClient;
      if (t.state === 'interrupted' && client) {
        const key = `${client}/${t.id}`;
        const entry = t.entry ?? {
          id: t.id, name: t.name, type: t.type, sha256: t.sha256, thumb: t.offerThumb, client,
          rowKey: t.rowKey ?? rowKey(peerId, t), sentBefore: 0,
        };
        entry.file = entry.file ?? t.source;
        entry.sentBefore += (t.sent ?? 0) - (t.resumedFrom ?? 0);
        entry.live = null;
        t.entry = entry;
        if (entry.file) {
          this.unfinished.set(key, entry);
          t.error = text('files.waitingForPeer', { peer: this.peers.get(peerId)?.name ?? text('files.thePeer') });
        }
      } else if (isFinal(t.state) && t.entry) {
        this.unfinished.delete(`${t.entry.client}/${t.id}`);
      }
    } else if (t.state === 'interrupted') {
      t.error = text('files.resumesLater');
    }
    this.render(peerId, t);
    if (t.direction === 'out' && t.state === 'interrupted' && t.entry?.file) {
      // that client may be back already on a new link whose hello came before this one noticed the break
      for (const [otherId, other] of this.peers) {
        if (otherId !== peerId && other.client === t.entry.client && other.transfers && !other.transfers.closed) {
          this.offerUnfinished(other.client, other.transfers);
          break;
        }
      }
    }
  }

  async onOffer(peerId, t) {
    if (t.client) {
      const name = partialName(this.client, t.client, t.sha256, t.size);
      await this.swept;
      const partial = await readPartial(name);
      const m = partial?.meta;
      if (m && m.sha256 === t.sha256 && m.size === t.size && m.name === t.name && m.client === t.client) {
        this.accept(peerId, t, partial); // accepted before this reload or break: continue without asking
        return;
      }
    }
    this.render(peerId, t);
    if (this.peers.get(peerId)?.auto.checked) {
      this.accept(peerId, t);
    }
  }

  async accept(peerId, t, partial = null) {
    if (t.via === 'server') {
      this.server.accept(peerId, t);
      return;
    }
    const link = this.peers.get(peerId)?.link;
    if (!link?.transfers || t.state !== 'offered') {
      return;
    }
    const from = partial ? partial.bytes : 0;
    const problem = await storageProblem(t.size - from);
    if (problem) {
      link.transfers.cancel(t.id, `declined: ${problem}`);
      return;
    }
    if (t.client) {
      const name = partialName(this.client, t.client, t.sha256, t.size);
      t.store = opfsSink(name, {
        from,
        state: partial?.state ?? null,
        meta: { client: t.client, sha256: t.sha256, size: t.size, name: t.name, type: t.type, id: t.id },
      });
    } else {
      t.store = opfsSink(`${peerId}-${t.id}`); // a peer without a client id: not resumable
    }
    t.resumedFrom = from;
    link.transfers.acceptOffer(t.id, t.store, from);
  }

  /** Cancels a transfer from its row: a live one on its link, an interrupted one here. */
  cancel(peerId, t) {
    const reason = `cancelled by the ${t.direction === 'out' ? 'sender' : 'receiver'}`;
    if (t.via === 'server') {
      this.server.cancel(peerId, t, reason);
      return;
    }
    if (t.state === 'interrupted') {
      if (t.entry) {
        this.unfinished.delete(`${t.entry.client}/${t.id}`);
      }
      if (t.direction === 'in' && t.client) {
        removeStored(partialName(this.client, t.client, t.sha256, t.size));
      }
      t.state = 'cancelled';
      t.error = reason;
      this.render(peerId, t);
      return;
    }
    this.peers.get(peerId)?.link.transfers?.cancel(t.id, reason);
  }

  say(message) {
    this.message.textContent = message;
    this.message.hidden = false;
  }

  /** Creates or updates the row of one transfer. */
  render(peerId, t) {
    const key = t.rowKey ?? rowKey(peerId, t);
    let row = this.rows.get(key);
    const peer = this.peers.get(peerId);
    if (!row) {
      row = {
        progress: el('progress', { max: t.size || 1, value: 0 }),
        status: el('span', { className: 'hint', 'data-testid': 'file-status' }),
        actions: el('span', { className: 'controls' }),
        rate: new Rate(),
      };
      row.element = el('li', {
        className: `file-transfer ${t.direction}`, 'data-testid': 'file-transfer',
        dataset: { direction: t.direction, peer: peerId, id: t.id, sha256: t.sha256 },
      }, t.thumb ? el('img', { className: 'file-thumb', src: t.thumb, alt: text('files.thumbAlt', { name: t.name }), 'data-testid': 'file-thumb' }) : null,
      el('strong', {}, t.name), text('files.rowInfo', {
        size: formatBytes(t.size), type: t.type, direction: text(t.direction === 'out' ? 'files.to' : 'files.from'),
      }), nameTag(peerId, peer?.name ?? text('files.aPeer')), ' ', row.progress, row.status, row.actions);
      this.rows.set(key, row);
      if (t.direction === 'in') {
        this.incomingList.prepend(row.element);
        this.onIncoming(row.element);
      } else {
        this.list.prepend(row.element);
      }
    }
    row.element.dataset.peer = peerId;
    row.element.dataset.state = t.state;
    row.element.dataset.bytes = String(t.bytes);
    row.element.dataset.path = t.via === 'server' ? 'server' : 'peer';
    if (t.resumedFrom > 0) {
      row.element.dataset.resumedFrom = String(t.resumedFrom);
    }
    if (t.direction === 'out' && t.via !== 'server') {
      row.element.dataset.sentTotal = String((t.entry?.sentBefore ?? 0) + (t.sent ?? 0) - (t.resumedFrom ?? 0));
    }
    row.progress.value = t.state === 'verified' ? t.size : Math.min(t.bytes, t.size);
    const resumed = t.resumedFrom > 0 && !isFinal(t.state) ? text('files.resumedAt', { size: formatBytes(t.resumedFrom) }) : '';
    row.rate.add(performance.now(), t.bytes ?? 0);
    const name = this.peers.get(peerId)?.name ?? text('files.thePeer');
    row.status.textContent = fileStatus(t, name, row.rate.speed()) + resumed;
    if (row.shown === t.state && row.transfer === t) {
      return;
    }
    row.shown = t.state;
    row.transfer = t;
    const buttons = [];
    if (t.direction === 'in' && t.state === 'offered') {
      buttons.push(el('button', { type: 'button', 'data-testid': 'file-accept', onclick: () => this.accept(peerId, t) }, text('action.accept')),
        el('button', { type: 'button', 'data-testid': 'file-decline', onclick: () => this.decline(peerId, t) }, text('action.decline')));
    } else if (ACTIVE.includes(t.state)) {
      buttons.push(el('button', { type: 'button', 'data-testid': 'file-cancel', onclick: () => this.cancel(peerId, t) }, text('action.cancel')));
    }
    if (t.direction === 'in' && t.state === 'verified' && t.store) {
      t.store.file().then((file) => {
        const share = shareButton(new File([file], t.name, { type: t.type }));
        row.actions.replaceChildren(el('a', {
          href: URL.createObjectURL(file), download: t.name, 'data-testid': 'file-download', className: 'button',
        }, text('action.download')), ...(share ? [share] : []));
      }, (e) => { row.status.textContent = text('files.unreadable', { message: e.message }); });
    }
    row.actions.replaceChildren(...buttons);
  }

  decline(peerId, t) {
    if (t.via === 'server') {
      this.server.cancel(peerId, t, 'declined');
    } else {
      this.peers.get(peerId)?.link.transfers?.cancel(t.id, 'declined');
    }
  }
}

function rowKey(peerId, t) {
  return `${peerId}/${t.id}/${t.direction}${t.via === 'server' ? '/server' : ''}`;
}
