/**
 * What this page tells the others about itself over signaling (docs/webapp.md, "Names and
 * recording consent"): {kind:"profile", name, recording} to every peer when the name changes or a
 * recording starts or stops, and to each peer that joins; {kind:"recorded", media} when a recording
 * is saved. Signaling rather than the data channels: it reaches every member as soon as it is in the
 * room, before (or without) a working peer connection, and needs no change on the server, which
 * relays `signal` data as it is.
 */
import { recordingPlayer } from './player.js';
import { isMedia, mediaUrl } from './api.js';
import { el } from './dom.js';
import { cleanPersonName } from './names.js';
import { t } from './strings.js';
import { SIGNAL_KIND } from './events.js';

export class Profile {
  /**
   * @param page the room page's shared parts (js/room.js): members, signaling, gallery, arrivals
   * @param members js/members.js; @param consent js/consent.js; @param nameInput the name field
   */
  constructor(page, members, consent, nameInput) {
    this.page = page;
    this.members = members;
    this.consent = consent;
    this.nameInput = nameInput;
    this.recording = null; // 'self' or 'call' while recording
  }

  message() {
    return { kind: SIGNAL_KIND.PROFILE, name: this.nameInput.value.trim().slice(0, 64), recording: this.recording };
  }

  sendTo(peerId) {
    this.page.signaling?.signal(peerId, this.message());
  }

  sendAll(data = this.message()) {
    for (const id of this.page.members.keys()) {
      this.page.signaling?.signal(id, data);
    }
  }

  /** Our name changed: the next join carries it, our row shows it, every peer is told now. */
  rename(name) {
    if (this.page.signaling) {
      this.page.signaling.name = name;
    }
    this.members.renameSelf(name);
    this.sendAll();
  }

  /** Our recording started ({@code what}: 'self' or 'call') or stopped (null). */
  setRecording(what) {
    this.recording = what;
    this.consent.self(Boolean(what));
    this.sendAll();
  }

  /** Our recording was saved: the others learn who made it. */
  recorded(media) {
    const { id, createdAt, size, contentType, kind } = media;
    this.page.gallery.label(id, null);
    this.sendAll({ kind: SIGNAL_KIND.RECORDED, media: { id, createdAt, size, contentType, kind } });
  }

  /** A peer's profile: its name everywhere, its recording badge. */
  receive(from, data) {
    const m = this.page.members.get(from);
    if (!m) {
      return;
    }
    const name = cleanPersonName(data.name);
    if (name) {
      this.members.rename(from, name);
    }
    const what = data.recording === 'call' || data.recording === 'self' ? data.recording : null;
    this.consent.peer(from, m.name, Boolean(what), what);
  }

  /** A peer saved a recording: the gallery says whose, and it shows in the incoming area. */
  receiveRecorded(from, data) {
    const m = this.page.members.get(from);
    const media = data.media;
    if (!m || !isMedia(media)) {
      return;
    }
    this.page.gallery.label(media.id, m.name);
    const time = new Date(Date.parse(media.createdAt) || Date.now()).toLocaleTimeString();
    const card = el('li', { className: 'card incoming-recording', 'data-testid': 'incoming-recording', dataset: { id: media.id } },
      ...recordingPlayer(mediaUrl(media.id)),
      el('p', { className: 'title' }, t('arrive.recordingCaption', { peer: m.name, time })));
    document.getElementById('incoming-recordings').prepend(card);
    this.page.arrivals.arrived(t('arrive.recording', { peer: m.name }), card);
  }
}
