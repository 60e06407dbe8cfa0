/**
 * Photos in a room: sends each photo to every member over its data channels (or via the server copy
 * when a peer's channel does not open in time, or breaks mid-way), uploads that server copy with its
 * own progress and retry, and receives photos from peers either way; owns the sent and received cards.
 */
import { downloadMedia, isMedia, uploadWithRetry } from './api.js';
import { IncomingCard, OutgoingCard } from './cards.js';
import { cleanName } from './framing.js';
import { randomId, sha256Hex } from './hash.js';
import { sniffImageType } from './imagetype.js';
import { show } from './sources.js';
import { t, t as text } from './strings.js';
import { SIGNAL_KIND } from './events.js';

const $ = (id) => document.getElementById(id);
/** How long after we are back in the room a peer that rejoins still gets what was pending. */
const LATE_MS = 60000;

export class Photos {
  /** @param page the room page's shared parts (js/room.js): room, members, signaling, gallery, fallbackMs */
  constructor(page) {
    this.page = page;
    this.incomingCards = new Map(); // `${peerId}/${transferId}` -> IncomingCard
    this.outgoing = new Map(); // transferId -> {card, photo}
    this.pending = []; // [id, entry] sent while not in the room (the server unreachable): sent on rejoin
  }

  // ---- sending ----

  send(photo) {
    const id = randomId(12);
    const card = new OutgoingCard(photo, photo.url);
    card.element.dataset.clickedAt = String(performance.timeOrigin + performance.now());
    $('sent-list').prepend(card.element);
    const entry = { card, photo, upload: null };
    this.outgoing.set(id, entry);
    if (!this.page.selfId) {
      // Not in the room now (the server is unreachable, the page reconnects by itself): nobody can be
      // told or reached, so the photo waits, marked as pending, and goes out once we are back in.
      this.pending.push([id, entry]);
      card.element.dataset.pending = 'true';
      card.upload.setState('pending');
      show($('send-message'), t('room.photoPending'), true);
      $('send-message').dataset.code = 'pending';
      // The sender must see why nothing went out: on a phone the message can sit below the fold.
      $('send-message').scrollIntoView({ block: 'nearest' });
      return;
    }
    this.sendNow(id, entry);
  }

  /** Back in the room (js/room.js, on joined): what was sent meanwhile goes out now, to whoever is here. */
  flushPending() {
    const queued = this.pending;
    this.pending = [];
    if (queued.length > 0 && $('send-message').dataset.code === 'pending') {
      show($('send-message'), '');
      delete $('send-message').dataset.code;
    }
    for (const [id, entry] of queued) {
      delete entry.card.element.dataset.pending;
      this.sendNow(id, entry);
    }
    if (queued.length > 0) {
      // The others come back from the same outage one by one: those who rejoin soon after us get them too.
      this.late = { items: queued, until: performance.now() + LATE_MS };
    }
  }

  /** A peer joined: it also gets what was pending when we came back, if it comes within LATE_MS. */
  peerJoined(m) {
    if (!this.late || performance.now() > this.late.until) {
      this.late = null;
      return;
    }
    for (const [id, entry] of this.late.items) {
      if (!entry.card.rows.has(m.id)) {
        this.deliver(id, entry, m);
      }
    }
  }

  sendNow(id, entry) {
    const { card, photo } = entry;
    entry.upload = this.startUpload(photo, card);
    const peers = [...this.page.members.values()];
    if (peers.length === 0) {
      show($('send-message'), t('room.aloneWithPhoto'), true);
    }
    for (const m of peers) {
      this.deliver(id, entry, m);
    }
  }

  /** Uploads the server copy; resolves to the media record, or null when every try failed. */
  startUpload(photo, card) {
    let resolveFinal;
    const final = new Promise((r) => { resolveFinal = r; });
    const attempt = async () => {
      card.retry.hidden = true;
      card.noServerCopy = false;
      card.upload.setState('uploading');
      try {
        const media = await uploadWithRetry(this.page.room, photo.blob, photo.sha256, {
          onProgress: (done, total) => card.upload.setProgress(done, total),
          onAttempt: (n) => n > 1 && card.upload.setState('uploading', `try ${n}`),
        });
        if (!isMedia(media) || media.sha256 !== photo.sha256) {
          throw new Error('the server answered with a different photo');
        }
        card.upload.setProgress(photo.size, photo.size);
        card.upload.setState('saved');
        this.page.gallery.add(media);
        resolveFinal(media);
      } catch (e) {
        card.upload.setState('failed', e.message);
        card.retry.hidden = false;
        card.noServerCopy = true;
        card.element.dispatchEvent(new Event('upload-failed'));
      }
    };
    card.retry.addEventListener('click', attempt);
    attempt();
    return final;
  }

  async deliver(id, entry, m) {
    const { card, photo } = entry;
    const row = card.row(m.id, m.name, () => {
      m.link.transfers?.cancel(id, 'cancelled by the sender');
      row.setState('cancelled');
    });
    row.setProgress(0, photo.size);
    const link = m.link;
    const age = performance.now() - link.createdAt;
    const ready = await link.waitReady(this.page.fallbackMs - age);
    if (ready && !link.closed) {
      row.setPath(link.path === 'relayed' ? 'relayed' : 'direct');
      try {
        const t = link.transfers.send({ id, name: photo.name, type: photo.type, bytes: photo.bytes, sha256: photo.sha256 });
        row.transfer = t;
        return;
      } catch (e) {
        // the link closed under us: fall through to the server path
      }
    }
    if (!this.page.members.has(m.id)) {
      row.setState('failed', 'the peer left');
      return;
    }
    this.viaServer(id, entry, m, row);
  }

  /** Sends a peer the server copy's id over signaling, once the upload has finished. */
  async viaServer(id, entry, m, row) {
    row.setPath('server');
    row.setState('waiting', 'no direct connection; waiting for the server copy');
    const media = entry.card.noServerCopy ? null : await Promise.race([entry.upload,
      new Promise((r) => entry.card.element.addEventListener('upload-failed', () => r(null), { once: true }))]);
    if (!media) {
      row.setState('failed', 'no direct connection and no server copy (retry the upload)');
      entry.upload.then((later) => later && this.page.members.has(m.id) && this.viaServer(id, entry, m, row));
      return;
    }
    row.setState('sent');
    row.setProgress(entry.photo.size, entry.photo.size);
    const res = await this.page.signaling.signal(m.id, {
      kind: SIGNAL_KIND.SERVER_PHOTO, id, name: entry.photo.name,
      media: { id: media.id, sha256: media.sha256, size: media.size, contentType: media.contentType },
    });
    if (!res.ok) {
      row.setState('failed', res.error?.message ?? 'signaling refused');
    }
  }

  /** A transfer of member {@code m}'s link moved on: its card row follows. */
  onTransferUpdate(m, t) {
    if (t.direction === 'out') {
      const entry = this.outgoing.get(t.id);
      const row = entry?.card.rows.get(m.id);
      if (!row) {
        return;
      }
      row.setProgress(t.state === 'verified' ? t.size : t.bytes, t.size);
      if (t.state === 'failed' && this.page.members.has(m.id) && !m.link.ready) {
        this.viaServer(t.id, entry, m, row); // the channel broke mid-way: the server copy still gets there
      } else {
        row.setState(t.state, t.state === 'failed' || t.state === 'cancelled' ? t.error : undefined);
      }
      if (t.state === 'verified' && t.elapsedMs !== undefined) {
        row.element.dataset.elapsedMs = String(Math.round(t.elapsedMs));
      }
      return;
    }
    const card = this.incomingCards.get(`${m.id}/${t.id}`);
    if (!card) {
      return;
    }
    card.row.setProgress(t.bytes, t.size);
    if (t.state === 'verified') {
      card.show(t.blob, t.sha256, m.link.path === 'relayed' ? 'relayed' : 'direct');
    } else {
      card.row.setState(t.state, t.error);
    }
  }

  // ---- receiving ----

  onIncoming(m, t) {
    const card = new IncomingCard({
      id: t.id, fromName: m.name, peerId: m.id, name: t.name, size: t.size,
      onCancel: () => m.link.transfers?.cancel(t.id, 'cancelled by the receiver'),
    });
    card.row.setPath(m.link.path === 'relayed' ? 'relayed' : 'direct');
    this.incomingCards.set(`${m.id}/${t.id}`, card);
    $('received-list').prepend(card.element);
    this.page.arrivals.arrived(text('arrive.photo', { peer: m.name, name: t.name }), card.element);
  }

  async receiveViaServer(from, data) {
    const m = this.page.members.get(from);
    const media = data.media;
    if (!m || !media || !isMedia(media) || typeof data.id !== 'string' || !/^[0-9a-f]{64}$/.test(media.sha256 ?? '')) {
      return;
    }
    const key = `${from}/${data.id}`;
    if (this.incomingCards.has(key)) {
      return;
    }
    const signaling = this.page.signaling;
    const card = new IncomingCard({ id: data.id, fromName: m.name, peerId: from, name: cleanName(data.name), size: media.size ?? 0 });
    card.row.setPath('server');
    this.incomingCards.set(key, card);
    $('received-list').prepend(card.element);
    this.page.arrivals.arrived(text('arrive.photo', { peer: m.name, name: cleanName(data.name) }), card.element);
    try {
      const { bytes, type } = await downloadMedia(media.id, (done, total) => card.row.setProgress(done, total || media.size));
      card.row.setState('verifying');
      const sha256 = await sha256Hex(bytes);
      if (sha256 !== media.sha256 || (media.size && bytes.byteLength !== media.size)) {
        card.row.setState('failed', 'the server copy does not match the announced photo');
        signaling.signal(from, { kind: SIGNAL_KIND.SERVER_PHOTO_RESULT, id: data.id, ok: false, error: 'hash mismatch' });
        return;
      }
      card.row.setProgress(bytes.byteLength, bytes.byteLength);
      card.show(new Blob([bytes], { type: sniffImageType(bytes) ?? type ?? 'image/jpeg' }), sha256, 'server');
      signaling.signal(from, { kind: SIGNAL_KIND.SERVER_PHOTO_RESULT, id: data.id, ok: true });
    } catch (e) {
      card.row.setState('failed', `download failed: ${e.message}`);
      signaling.signal(from, { kind: SIGNAL_KIND.SERVER_PHOTO_RESULT, id: data.id, ok: false, error: e.message });
    }
  }

  /** A peer's word that it got (or could not get) a photo from the server copy. */
  serverPhotoResult(from, data) {
    const row = this.outgoing.get(data.id)?.card.rows.get(from);
    if (row && row.element.dataset.path === 'server') {
      row.setState(data.ok === true ? 'verified' : 'failed', data.ok === true ? undefined : String(data.error ?? '').slice(0, 200));
    }
  }

  /** Peer {@code id} left the room: its unfinished photos, either way, fail. */
  peerGone(id, reason) {
    for (const entry of this.outgoing.values()) {
      const row = entry.card.rows.get(id); // a photo on its way via the server waits for no answer now
      if (row && !['verified', 'failed', 'cancelled'].includes(row.element.dataset.state)) {
        row.setState('failed', 'the peer left');
      }
    }
    for (const [key, card] of this.incomingCards) {
      if (key.startsWith(`${id}/`) && !['verified', 'failed', 'cancelled'].includes(card.row.element.dataset.state)) {
        card.row.setState('failed', reason === 'left' ? 'the sender left' : 'the sender went away');
      }
    }
  }
}
