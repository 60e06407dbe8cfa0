/**
 * The Files section: files of any type, several at once, offered to every connected peer over the
 * pair's TransferLink (js/transfer.js: {t:"offer"} then chunks after the receiver's accept). The
 * receiver accepts or declines each offer (or ticks "auto-accept" for a peer), checks storage first,
 * writes to the Origin Private File System in a Worker (js/opfs.js) and offers the stored file for
 * download once its size and SHA-256 match. Progress and cancel on both sides.
 */
import { el, formatBytes } from './dom.js';
import { Sha256 } from './sha256.js';
import { opfsSink, storageProblem } from './opfs.js';
import { makeThumbnail } from './thumbnail.js';
import { shareButton } from './share-out.js';
import { t as text } from './strings.js';

const HASH_BLOCK = 4 * 1024 * 1024;
const ACTIVE = ['offered', 'sending', 'sent', 'receiving', 'verifying'];

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
  /** @param section the Files section; @param makeId function giving a fresh random id */
  constructor(section, makeId) {
    this.makeId = makeId;
    this.input = section.querySelector('[data-testid=files-input]');
    this.list = section.querySelector('[data-testid=files-list]');
    this.peerList = section.querySelector('[data-testid=files-peers]');
    this.message = section.querySelector('[data-testid=files-message]');
    this.peers = new Map(); // peerId -> {name, link, auto: checkbox, element}
    this.rows = new Map(); // `${peerId}/${id}/${direction}` -> row
    this.input.addEventListener('change', () => {
      const files = [...this.input.files];
      this.input.value = '';
      this.sendFiles(files);
    });
  }

  /** A peer's link: its offers and updates reach this section whenever its channels are open. */
  attach(peerId, name, link) {
    const auto = el('input', { type: 'checkbox', 'data-testid': 'files-auto-accept', dataset: { peer: peerId } });
    const label = el('span', {}, name);
    const element = el('li', { dataset: { peer: peerId } }, el('label', {}, auto, text('files.autoAccept'), label));
    this.peerList.append(element);
    const p = { name, link, auto, element, label };
    this.peers.set(peerId, p);
    const listen = () => {
      link.transfers.addEventListener('offer', (e) => this.onOffer(peerId, e.detail));
      link.transfers.addEventListener('update', (e) => e.detail.kind === 'file' && this.render(peerId, e.detail));
    };
    if (link.ready) {
      listen();
    }
    link.addEventListener('ready', listen);
  }

  rename(peerId, name) {
    const p = this.peers.get(peerId);
    if (p) {
      p.name = name;
      p.label.textContent = name;
    }
  }

  detach(peerId) {
    this.peers.get(peerId)?.element.remove();
    this.peers.delete(peerId);
  }

  async sendFiles(files) {
    this.message.hidden = true;
    const targets = [...this.peers.entries()].filter(([, p]) => p.link.ready);
    if (targets.length === 0) {
      this.say(text('files.nobody'));
      return;
    }
    for (const file of files) {
      const id = this.makeId();
      const sha256 = await hashFile(file);
      const thumb = await makeThumbnail(file);
      for (const [peerId, p] of targets) {
        try {
          p.link.transfers.offer({ id, name: file.name, type: file.type, file, sha256, thumb });
        } catch (e) {
          this.say(text('files.couldNotOffer', { name: file.name, peer: p.name, message: e.message }));
        }
      }
    }
  }

  async onOffer(peerId, t) {
    this.render(peerId, t);
    if (this.peers.get(peerId)?.auto.checked) {
      this.accept(peerId, t);
    }
  }

  async accept(peerId, t) {
    const link = this.peers.get(peerId)?.link;
    if (!link?.transfers || t.state !== 'offered') {
      return;
    }
    const problem = await storageProblem(t.size);
    if (problem) {
      link.transfers.cancel(t.id, `declined: ${problem}`);
      return;
    }
    t.store = opfsSink(`${peerId}-${t.id}`);
    link.transfers.acceptOffer(t.id, t.store);
  }

  say(text) {
    this.message.textContent = text;
    this.message.hidden = false;
  }

  /** Creates or updates the row of one transfer. */
  render(peerId, t) {
    const key = `${peerId}/${t.id}/${t.direction}`;
    let row = this.rows.get(key);
    const peer = this.peers.get(peerId);
    if (!row) {
      row = {
        progress: el('progress', { max: t.size || 1, value: 0 }),
        status: el('span', { className: 'hint', 'data-testid': 'file-status' }),
        actions: el('span', { className: 'controls' }),
      };
      row.element = el('li', {
        className: `file-transfer ${t.direction}`, 'data-testid': 'file-transfer',
        dataset: { direction: t.direction, peer: peerId, id: t.id, sha256: t.sha256 },
      }, t.thumb ? el('img', { className: 'file-thumb', src: t.thumb, alt: text('files.thumbAlt', { name: t.name }), 'data-testid': 'file-thumb' }) : null,
      el('strong', {}, t.name), text('files.rowInfo', {
        size: formatBytes(t.size), type: t.type, direction: text(t.direction === 'out' ? 'files.to' : 'files.from'), peer: peer?.name ?? text('files.aPeer'),
      }), row.progress, row.status, row.actions);
      this.rows.set(key, row);
      this.list.prepend(row.element);
    }
    row.element.dataset.state = t.state;
    row.element.dataset.bytes = String(t.bytes);
    row.progress.value = t.state === 'verified' ? t.size : Math.min(t.bytes, t.size);
    row.status.textContent = t.error ? `${t.state}: ${t.error}` : t.state;
    if (row.shown === t.state) {
      return;
    }
    row.shown = t.state;
    const link = () => this.peers.get(peerId)?.link.transfers;
    const buttons = [];
    if (t.direction === 'in' && t.state === 'offered') {
      buttons.push(el('button', { type: 'button', 'data-testid': 'file-accept', onclick: () => this.accept(peerId, t) }, text('action.accept')),
        el('button', { type: 'button', 'data-testid': 'file-decline', onclick: () => link()?.cancel(t.id, 'declined') }, text('action.decline')));
    } else if (ACTIVE.includes(t.state)) {
      buttons.push(el('button', { type: 'button', 'data-testid': 'file-cancel', onclick: () => link()?.cancel(t.id, `cancelled by the ${t.direction === 'out' ? 'sender' : 'receiver'}`) }, text('action.cancel')));
    }
    if (t.direction === 'in' && t.state === 'verified' && t.store) {
      t.store.file().then((file) => {
        row.actions.replaceChildren(el('a', {
          href: URL.createObjectURL(file), download: t.name, 'data-testid': 'file-download', className: 'button',
        }, text('action.download')), shareButton(new File([file], t.name, { type: t.type })));
      }, (e) => { row.status.textContent = text('files.unreadable', { message: e.message }); });
    }
    row.actions.replaceChildren(...buttons);
  }
}
