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
 * (js/file-fallback.js): uploaded once, announced over signaling, downloaded into OPFS and checked.
 */
import { el, formatBytes } from './dom.js';
import { Sha256 } from './sha256.js';
import { opfsSink, partialName, readPartial, removeStored, storageProblem, sweepStored } from './opfs.js';
import { downloadToSink, uploadFile } from './file-fallback.js';
import { isFinal } from './transfer.js';
import { cleanName } from './framing.js';

const HASH_BLOCK = 4 * 1024 * 1024;
const ACTIVE = ['offered', 'sending', 'sent', 'receiving', 'verifying', 'uploading', 'downloading', 'interrupted'];
const SHA256 = /^[0-9a-f]{64}$/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

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
   *  fallbackMs: how long a peer's channels may take to open before the server path is used}
   */
  constructor(section, makeId, { client = null, room = null, signal = null, fallbackMs = 5000 } = {}) {
    this.makeId = makeId;
    this.client = client;
    this.room = room;
    this.signal = signal;
    this.fallbackMs = fallbackMs;
    this.input = section.querySelector('[data-testid=files-input]');
    this.list = section.querySelector('[data-testid=files-list]');
    this.peerList = section.querySelector('[data-testid=files-peers]');
    this.message = section.querySelector('[data-testid=files-message]');
    this.peers = new Map(); // peerId -> {name, link, auto: checkbox, element, client}
    this.rows = new Map(); // row key -> row
    this.unfinished = new Map(); // `${client}/${id}` -> {id, file, name, type, sha256, client, rowKey, sentBefore, live}
    this.viaServer = new Map(); // `${peerId}/${id}` -> server transfer (either direction)
    this.input.addEventListener('change', () => {
      const files = [...this.input.files];
      this.input.value = '';
      this.sendFiles(files);
    });
    this.swept = sweepStored().catch(() => []);
  }

  /** A peer's link: its offers and updates reach this section whenever its channels are open. */
  attach(peerId, name, link) {
    const auto = el('input', { type: 'checkbox', 'data-testid': 'files-auto-accept', dataset: { peer: peerId } });
    const label = el('span', {}, name);
    const element = el('li', { dataset: { peer: peerId } }, el('label', {}, auto, ' auto-accept from ', label));
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
    for (const [key, t] of this.viaServer) {
      if (key.startsWith(`${peerId}/`) && !isFinal(t.state) && t.state !== 'downloading') {
        this.setServerState(peerId, t, 'failed', 'the peer left');
      }
    }
  }

  async sendFiles(files) {
    this.message.hidden = true;
    const targets = [...this.peers.entries()];
    if (targets.length === 0) {
      this.say('Nobody is here: files go to the people in the room, so someone has to be here.');
      return;
    }
    for (const file of files) {
      const id = this.makeId();
      const sha256 = await hashFile(file);
      const source = { id, file, name: file.name, type: file.type || 'application/octet-stream', sha256, upload: null };
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
          extra: { source: source.file },
        });
        return;
      } catch (e) {
        // the link closed under us: the server path below
      }
    }
    if (!this.signal || !this.room) {
      this.say(`Could not offer ${source.name} to ${p.name}: no connection to them.`);
      return;
    }
    this.sendViaServer(peerId, p, source);
  }

  /** A peer's stable client id arrived: offer it again what it did not finish receiving. */
  onHello(peerId, transfers, client) {
    const p = this.peers.get(peerId);
    if (p) {
      p.client = client;
    }
    for (const entry of this.unfinished.values()) {
      if (entry.client !== client || (entry.live && !isFinal(entry.live.state)) || transfers.closed) {
        continue;
      }
      entry.live = transfers.offer({
        id: entry.id, name: entry.name, type: entry.type, file: entry.file, sha256: entry.sha256,
        extra: { entry, rowKey: entry.rowKey, source: entry.file },
      });
    }
  }

  onUpdate(peerId, transfers, t) {
    if (t.direction === 'out') {
      const client = transfers.remoteClient;
      if (t.state === 'interrupted' && client) {
        const key = `${client}/${t.id}`;
        const entry = t.entry ?? {
          id: t.id, name: t.name, type: t.type, sha256: t.sha256, client, rowKey: t.rowKey ?? rowKey(peerId, t), sentBefore: 0,
        };
        entry.file = entry.file ?? t.source;
        entry.sentBefore += (t.sent ?? 0) - (t.resumedFrom ?? 0);
        entry.live = null;
        t.entry = entry;
        if (entry.file) {
          this.unfinished.set(key, entry);
          t.error = `waiting for ${this.peers.get(peerId)?.name ?? 'the peer'} to come back`;
        }
      } else if (isFinal(t.state) && t.entry) {
        this.unfinished.delete(`${t.entry.client}/${t.id}`);
      }
    } else if (t.state === 'interrupted') {
      t.error = 'resumes when the sender is back';
    }
    this.render(peerId, t);
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
      this.acceptViaServer(peerId, t);
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
      this.cancelViaServer(peerId, t, reason);
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

  // ---- the server path (js/file-fallback.js does the HTTP) ----

  sendViaServer(peerId, p, source) {
    const t = {
      id: source.id, kind: 'file', via: 'server', direction: 'out', name: source.name, type: source.type,
      size: source.file.size, sha256: source.sha256, bytes: 0, state: 'uploading',
    };
    this.viaServer.set(`${peerId}/${t.id}`, t);
    this.render(peerId, t);
    if (!source.upload) {
      source.listeners = [];
      source.upload = uploadFile(this.room, source.file, source.sha256,
        (done) => source.listeners.forEach((f) => f(done)));
    }
    source.listeners?.push((done) => {
      if (t.state === 'uploading') {
        t.bytes = done;
        this.render(peerId, t);
      }
    });
    source.upload.then(async (media) => {
      if (t.state !== 'uploading') {
        return;
      }
      t.bytes = t.size;
      this.setServerState(peerId, t, 'sent', 'via the server: waiting for the peer');
      const res = await this.signal(peerId, {
        kind: 'server-file', id: t.id, name: t.name, type: t.type, size: t.size, sha256: t.sha256,
        media: { id: media.id, sha256: media.sha256, size: media.size },
      });
      if (!res?.ok) {
        this.setServerState(peerId, t, 'failed', res?.error?.message ?? 'signaling refused');
      }
    }, (e) => {
      if (t.state === 'uploading') {
        this.setServerState(peerId, t, 'failed', `upload to the server failed: ${e.message}`);
      }
    });
  }

  /** {kind:"server-file", id, name, type, size, sha256, media:{id, sha256, size}} from a peer. */
  receiveViaServer(peerId, data) {
    const p = this.peers.get(peerId);
    const media = data?.media;
    if (!p || typeof data.id !== 'string' || !ID.test(data.id) || !media || typeof media.id !== 'string'
      || !/^[A-Za-z0-9_-]{1,128}$/.test(media.id) || !SHA256.test(data.sha256 ?? '') || media.sha256 !== data.sha256
      || !Number.isSafeInteger(data.size) || data.size < 0 || this.viaServer.has(`${peerId}/${data.id}`)) {
      return;
    }
    const t = {
      id: data.id, kind: 'file', via: 'server', direction: 'in', name: cleanName(data.name, 'file'), size: data.size,
      type: typeof data.type === 'string' && /^[a-z0-9.+-]{1,40}\/[a-z0-9.+-]{1,80}$/.test(data.type) ? data.type : 'application/octet-stream',
      sha256: data.sha256, media: media.id, bytes: 0, state: 'offered',
    };
    this.viaServer.set(`${peerId}/${t.id}`, t);
    this.render(peerId, t);
    if (p.auto.checked) {
      this.acceptViaServer(peerId, t);
    }
  }

  async acceptViaServer(peerId, t) {
    if (t.state !== 'offered') {
      return;
    }
    const problem = await storageProblem(t.size);
    if (problem) {
      this.setServerState(peerId, t, 'cancelled', `declined: ${problem}`);
      this.signal(peerId, { kind: 'server-file-result', id: t.id, ok: false, error: `declined: ${problem}` });
      return;
    }
    this.setServerState(peerId, t, 'downloading', 'via the server');
    t.store = opfsSink(`server-${peerId}-${t.id}`);
    t.abort = new AbortController();
    try {
      const sha256 = await downloadToSink(t.media, t.store, t.abort.signal, (n) => {
        t.bytes = n;
        this.render(peerId, t);
      });
      if (sha256 !== t.sha256) {
        throw new Error(`SHA-256 mismatch: got ${sha256.slice(0, 12)}…, expected ${t.sha256.slice(0, 12)}…`);
      }
      t.bytes = t.size;
      this.setServerState(peerId, t, 'verified', 'via the server');
      this.signal(peerId, { kind: 'server-file-result', id: t.id, ok: true });
    } catch (e) {
      if (t.state === 'downloading') {
        t.store.abort();
        this.setServerState(peerId, t, 'failed', e.message);
        this.signal(peerId, { kind: 'server-file-result', id: t.id, ok: false, error: e.message.slice(0, 200) });
      }
    }
  }

  cancelViaServer(peerId, t, reason) {
    if (isFinal(t.state)) {
      return;
    }
    const before = t.state;
    this.setServerState(peerId, t, 'cancelled', reason);
    if (t.direction === 'in') {
      t.abort?.abort();
      t.store?.abort();
      if (before !== 'offered' || reason) {
        this.signal(peerId, { kind: 'server-file-result', id: t.id, ok: false, error: reason });
      }
    }
  }

  /** {kind:"server-file-result", id, ok, error?}: the peer's word on a file we sent via the server. */
  serverResult(peerId, data) {
    const t = this.viaServer.get(`${peerId}/${data?.id}`);
    if (t && t.direction === 'out' && !isFinal(t.state)) {
      const ok = data.ok === true;
      this.setServerState(peerId, t, ok ? 'verified' : (/declined|cancelled/.test(String(data.error)) ? 'cancelled' : 'failed'),
        ok ? 'via the server' : String(data.error ?? 'failed').slice(0, 200));
    }
  }

  setServerState(peerId, t, state, note) {
    t.state = state;
    t.error = note;
    this.render(peerId, t);
  }

  say(text) {
    this.message.textContent = text;
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
      };
      row.element = el('li', {
        className: `file-transfer ${t.direction}`, 'data-testid': 'file-transfer',
        dataset: { direction: t.direction, peer: peerId, id: t.id, sha256: t.sha256 },
      }, el('strong', {}, t.name), ` ${formatBytes(t.size)} · ${t.type} · ${t.direction === 'out' ? 'to' : 'from'} ${peer?.name ?? 'a peer'} `,
      row.progress, row.status, row.actions);
      this.rows.set(key, row);
      this.list.prepend(row.element);
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
    const resumed = t.resumedFrom > 0 && !isFinal(t.state) ? ` (resumed at ${formatBytes(t.resumedFrom)})` : '';
    row.status.textContent = (t.error ? `${t.state}: ${t.error}` : t.state) + resumed;
    if (row.shown === t.state && row.transfer === t) {
      return;
    }
    row.shown = t.state;
    row.transfer = t;
    const buttons = [];
    if (t.direction === 'in' && t.state === 'offered') {
      buttons.push(el('button', { type: 'button', 'data-testid': 'file-accept', onclick: () => this.accept(peerId, t) }, 'Accept'),
        el('button', { type: 'button', 'data-testid': 'file-decline', onclick: () => this.decline(peerId, t) }, 'Decline'));
    } else if (ACTIVE.includes(t.state)) {
      buttons.push(el('button', { type: 'button', 'data-testid': 'file-cancel', onclick: () => this.cancel(peerId, t) }, 'Cancel'));
    }
    if (t.direction === 'in' && t.state === 'verified' && t.store) {
      t.store.file().then((file) => {
        row.actions.replaceChildren(el('a', {
          href: URL.createObjectURL(file), download: t.name, 'data-testid': 'file-download', className: 'button',
        }, 'Download'));
      }, (e) => { row.status.textContent = `verified, but the stored file cannot be read: ${e.message}`; });
    }
    row.actions.replaceChildren(...buttons);
  }

  decline(peerId, t) {
    if (t.via === 'server') {
      this.cancelViaServer(peerId, t, 'declined');
    } else {
      this.peers.get(peerId)?.link.transfers?.cancel(t.id, 'declined');
    }
  }
}

function rowKey(peerId, t) {
  return `${peerId}/${t.id}/${t.direction}${t.via === 'server' ? '/server' : ''}`;
}
