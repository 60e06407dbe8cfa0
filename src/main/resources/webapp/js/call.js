/**
 * The call: the local microphone and camera sent to every peer of the mesh room over each pair's
 * RTCPeerConnection (W3C WebRTC 1.0 section 5: addTrack, RTCRtpSender.replaceTrack), and the remote
 * tracks shown in a grid. Adding or removing tracks renegotiates through the pair's perfect
 * negotiation (js/peer.js); switching devices, camera off and screen sharing use replaceTrack, so
 * they never renegotiate or reconnect.
 *
 * Nothing is captured or sent until the user presses "Join call"; remote media is shown whenever a
 * peer sends it.
 */
import { el } from './dom.js';
import { MEMBER } from './events.js';
import { nameTag } from './names.js';
import { t } from './strings.js';

/** The grid's layout follows the number of tiles (css/app.css, .call-grid[data-count]). */
const MAX_COUNT_CLASS = 9;
/**
 * Cameras in one call at most: in a mesh every camera is encoded once per peer, so a seventh would
 * cost every sender another stream. Whoever joins when this many already send video joins with sound
 * only (and is told so); everyone still receives every video that is sent.
 */
export const MAX_VIDEOS = 6;

/** getUserMedia failures that mean "that device is not there (or not usable)": the call goes on without it. */
const MISSING = new Set(['NotFoundError', 'NotReadableError', 'OverconstrainedError']);

export class Call extends EventTarget {
  /**
   * @param grid the element holding the video tiles
   * @param maxVideos cameras in the call at most (MAX_VIDEOS, or fewer for tests)
   */
  constructor(grid, { maxVideos = MAX_VIDEOS } = {}) {
    super();
    this.maxVideos = Math.min(Math.max(maxVideos, 1), MAX_VIDEOS);
    this.grid = grid;
    this.stream = null; // our MediaStream while in the call
    this.audio = null; // current microphone track
    this.camera = null; // current camera track
    this.screen = null; // screen-share track while sharing
    this.cameraOff = false;
    this.soundOnly = false; // joined without a camera: MAX_VIDEOS others already sent video
    this.missing = null; // what we joined without because it is not there: 'camera', 'microphone' or 'both'
    this.links = new Map(); // peerId -> {link, senders: Map(kind -> RTCRtpSender), tile, name}
    this.selfTile = null;
  }

  get joined() {
    return this.stream !== null;
  }

  /** Asks for the microphone and camera and sends them to every peer. */
  async join({ audioId, videoId } = {}) {
    if (this.joined) {
      return;
    }
    this.soundOnly = this.remoteVideos() >= this.maxVideos;
    const stream = await this.capture(audioId ? { deviceId: { exact: audioId } } : true,
      this.soundOnly ? false : (videoId ? { deviceId: { exact: videoId } } : true));
    this.stream = stream;
    this.audio = stream.getAudioTracks()[0] ?? null;
    this.camera = stream.getVideoTracks()[0] ?? null;
    this.selfTile = this.tile('self', t('call.you'), true);
    this.selfTile.video.srcObject = stream;
    for (const entry of this.links.values()) {
      this.send(entry);
    }
    this.changed();
  }

  /**
   * Our microphone and camera; without a camera, sound only; without a microphone, the camera only;
   * with neither, an empty stream (listen only: everything the others send is still shown). Refusals
   * (NotAllowedError) are not missing devices and are thrown.
   */
  async capture(audio, video) {
    const tries = video ? [[audio, video], [audio, false], [false, video]] : [[audio, false]];
    for (const [a, v] of tries) {
      try {
        const stream = await navigator.mediaDevices.getUserMedia({ audio: a, video: v });
        const lacks = [video && !v ? 'camera' : null, !a ? 'microphone' : null].filter(Boolean);
        this.missing = lacks.length === 0 ? null : lacks[0];
        return stream;
      } catch (e) {
        if (!MISSING.has(e.name)) {
          throw e;
        }
      }
    }
    this.missing = 'both';
    return new MediaStream();
  }

  /** How many peers send us live video now. */
  remoteVideos() {
    let n = 0;
    for (const entry of this.links.values()) {
      const s = entry.tile?.video.srcObject;
      if (s && s.getVideoTracks().some((t) => t.readyState === 'live')) {
        n++;
      }
    }
    return n;
  }

  /** Stops our media and takes our tracks off every connection (which renegotiates). */
  leave() {
    if (!this.joined) {
      return;
    }
    for (const entry of this.links.values()) {
      for (const sender of entry.senders.values()) {
        try {
          entry.link.pc.removeTrack(sender);
        } catch (e) {
          // the connection closed meanwhile
        }
      }
      entry.senders.clear();
    }
    for (const t of [this.audio, this.camera, this.screen]) {
      t?.stop();
    }
    this.stream = null;
    this.audio = this.camera = this.screen = null;
    this.cameraOff = false;
    this.soundOnly = false;
    this.missing = null;
    this.selfTile?.element.remove();
    this.selfTile = null;
    this.layout();
    this.changed();
  }

  /** Follows the room's members (js/members.js): each new member's link, renames, departures. */
  watch(members) {
    members.addEventListener(MEMBER.JOINED, (e) => this.attach(e.detail.link, e.detail.name));
    members.addEventListener(MEMBER.RENAMED, (e) => this.rename(e.detail.id, e.detail.name));
    members.addEventListener(MEMBER.LEFT, (e) => this.detach(e.detail.member.id));
  }

  /** A new peer connection: sends our tracks on it (if in the call) and shows what it receives. */
  attach(link, name) {
    const entry = { link, name, senders: new Map(), tile: null };
    this.links.set(link.peerId, entry);
    this.follow(entry);
    link.addEventListener('rebuilt', () => {
      // a new connection to the same peer: its old tracks are gone, ours go on the new one
      entry.senders.clear();
      entry.tile?.element.remove();
      entry.tile = null;
      this.layout();
      this.follow(entry);
    });
  }

  follow(entry) {
    const pc = entry.link.pc;
    pc.addEventListener('track', ({ track, streams }) => {
      if (pc === entry.link.pc) {
        this.remoteTrack(entry, track, streams[0]);
      }
    });
    if (this.joined) {
      this.send(entry);
    }
  }

  detach(peerId) {
    const entry = this.links.get(peerId);
    if (entry) {
      this.links.delete(peerId);
      entry.tile?.element.remove();
      this.layout();
    }
  }

  rename(peerId, name) {
    const entry = this.links.get(peerId);
    if (entry) {
      entry.name = name;
      if (entry.tile) {
        entry.tile.label.textContent = name;
      }
    }
  }

  send(entry) {
    const pc = entry.link.pc;
    if (pc.connectionState === 'closed') {
      return;
    }
    for (const track of [this.audio, this.outgoingVideo()]) {
      if (track && !entry.senders.has(track.kind)) {
        entry.senders.set(track.kind, pc.addTrack(track, this.stream));
      }
    }
  }

  outgoingVideo() {
    return this.screen ?? this.camera;
  }

  /** Mutes or unmutes the microphone (the track sends silence while disabled). */
  setMuted(muted) {
    if (this.audio) {
      this.audio.enabled = !muted;
    }
    this.changed();
  }

  get muted() {
    return this.audio ? !this.audio.enabled : true;
  }

  /** Camera off sends black frames (the track stays, so turning it on again needs no negotiation). */
  setCameraOff(off) {
    this.cameraOff = off;
    if (this.camera) {
      this.camera.enabled = !off;
    }
    this.changed();
  }

  /** Switches to another microphone or camera on every connection, without renegotiating. */
  async switchDevice(kind, deviceId) {
    if (!this.joined || (kind === 'video' && !this.camera)) {
      return;
    }
    const constraints = kind === 'audio' ? { audio: { deviceId: { exact: deviceId } } } : { video: { deviceId: { exact: deviceId } } };
    const fresh = await navigator.mediaDevices.getUserMedia(constraints);
    const track = kind === 'audio' ? fresh.getAudioTracks()[0] : fresh.getVideoTracks()[0];
    const old = kind === 'audio' ? this.audio : this.camera;
    if (kind === 'audio') {
      track.enabled = !this.muted;
      this.audio = track;
    } else {
      track.enabled = !this.cameraOff;
      this.camera = track;
    }
    this.stream.removeTrack(old);
    this.stream.addTrack(track);
    if (kind === 'audio' || !this.screen) {
      await this.replace(kind, track);
    }
    old?.stop();
    this.changed();
  }

  async replace(kind, track) {
    await Promise.all([...this.links.values()].map((e) => e.senders.get(kind)?.replaceTrack(track).catch((err) => {
      console.warn(`replaceTrack to ${e.link.peerId} failed`, err);
    })));
  }

  /** Screen sharing (where getDisplayMedia exists): replaces the camera; back to it when sharing ends. */
  async shareScreen() {
    if (!this.joined || this.screen) {
      return;
    }
    const display = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    const track = display.getVideoTracks()[0];
    this.screen = track;
    track.addEventListener('ended', () => this.stopSharing());
    await this.replace('video', track);
    this.selfTile.video.srcObject = new MediaStream([track]);
    this.changed();
  }

  async stopSharing() {
    if (!this.screen) {
      return;
    }
    const track = this.screen;
    this.screen = null;
    track.stop();
    if (this.joined) {
      await this.replace('video', this.camera);
      this.selfTile.video.srcObject = this.stream;
    }
    this.changed();
  }

  remoteTrack(entry, track, stream) {
    if (!entry.tile) {
      entry.tile = this.tile(entry.link.peerId, entry.name, false);
    }
    const video = entry.tile.video;
    const media = stream ?? video.srcObject ?? new MediaStream();
    if (!stream && !media.getTracks().includes(track)) {
      media.addTrack(track);
    }
    if (video.srcObject !== media) {
      video.srcObject = media;
    }
    video.play().catch(() => {
      video.muted = true; // autoplay with sound refused: play muted, and offer to unmute
      entry.tile.unmute.hidden = false;
      video.play().catch(() => {});
    });
    track.addEventListener('ended', () => this.dropIfEmpty(entry));
    stream?.addEventListener('removetrack', () => this.dropIfEmpty(entry));
  }

  dropIfEmpty(entry) {
    const s = entry.tile?.video.srcObject;
    if (entry.tile && (!s || s.getTracks().every((t) => t.readyState === 'ended'))) {
      entry.tile.element.remove();
      entry.tile = null;
      this.layout();
    }
  }

  tile(peerId, name, self) {
    const video = el('video', {
      autoplay: '', playsinline: '', 'data-testid': self ? 'self-video' : 'remote-video',
      dataset: { peer: peerId }, 'aria-label': self ? t('call.yourCamera') : t('call.videoOf', { name: name ?? t('call.aPeer') }),
    });
    video.autoplay = true;
    video.playsInline = true;
    if (self) {
      video.muted = true;
    }
    const label = self ? el('span', { className: 'tile-name' }, name ?? t('room.guest'))
      : nameTag(peerId, name ?? t('room.guest'), 'tile-name');
    const quality = el('span', { className: 'tile-quality', 'data-testid': 'peer-quality', dataset: { peer: peerId } });
    const unmute = el('button', { type: 'button', className: 'small', hidden: true }, t('call.playSound'));
    unmute.addEventListener('click', () => {
      video.muted = false;
      unmute.hidden = true;
      video.play().catch(() => {});
    });
    const element = el('figure', { className: self ? 'tile self' : 'tile', dataset: { peer: peerId } },
      video, el('figcaption', {}, label, quality, unmute));
    if (self) {
      this.grid.prepend(element);
    } else {
      this.grid.append(element);
    }
    this.layout();
    return { element, video, label, quality, unmute };
  }

  layout() {
    const n = this.grid.querySelectorAll('.tile').length;
    this.grid.dataset.count = String(Math.min(n, MAX_COUNT_CLASS));
    this.grid.hidden = n === 0;
  }

  changed() {
    this.dispatchEvent(new Event('change'));
  }
}
