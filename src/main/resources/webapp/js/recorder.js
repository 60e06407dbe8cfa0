/**
 * Records your own camera and microphone, or the whole call (every tile and all sound, composed by
 * call-mix.js), with MediaRecorder (WebM or MP4 as the browser supports), and
 * uploads the recording to the room while it is being made: a resumable session
 * (POST /api/rooms/{room}/recordings), parts appended by offset (PUT ?offset=N; on a failure the offset
 * is asked for with HEAD and the upload continues from there), then finished with the SHA-256, which
 * is computed incrementally as the data arrives. The gallery shows the result on media-added.
 * Stops by itself at the server's duration limit (maxDurationSeconds of the session).
 * Self-contained: it finds its section in the page, the camera preview's stream and the call grid.
 */
import { Sha256 } from './sha256.js';
import { formatBytes } from './dom.js';
import { t } from './strings.js';
import { holdWakeLock } from './wakelock.js';
import { CallMix } from './call-mix.js';

const TYPES = ['video/webm;codecs=vp9,opus', 'video/webm;codecs=vp8,opus', 'video/webm', 'video/mp4'];
const PART_BYTES = 1 << 20; // default part size; the section's data-part-bytes overrides it
const RETRIES = 6;

/** The first recording type this browser supports, or null. */
export function pickType(supported = (t) => MediaRecorder.isTypeSupported(t)) {
  return TYPES.find((t) => supported(t)) ?? null;
}

/** Offset-append uploader for one recording; parts are queued in order and sent one at a time. */
export class RecordingUpload {
  constructor(room, container, { fetchFn = (...a) => fetch(...a), sleep = (ms) => new Promise((r) => setTimeout(r, ms)),
    partBytes = PART_BYTES } = {}) {
    this.partBytes = partBytes;
    this.room = room;
    this.container = container;
    this.fetch = fetchFn;
    this.sleep = sleep;
    this.queue = [];        // Blobs not yet acknowledged by the server, in order
    this.queued = 0;        // their bytes
    this.offset = 0;        // bytes the server holds
    this.hash = new Sha256();
    this.total = 0;         // bytes recorded
    this.id = null;
    this.maxSeconds = 0;
    this.sending = null;
    this.onProgress = () => {};
  }

  async open() {
    const res = await this.fetch(`/api/rooms/${encodeURIComponent(this.room)}/recordings`, {
      method: 'POST', headers: { 'Content-Type': this.container },
    });
    if (!res.ok) {
      throw new Error(await reason(res, 'could not start the upload'));
    }
    const session = await res.json();
    this.id = session.id;
    this.maxSeconds = Number(session.maxDurationSeconds) || 0; // 0: the server sets no limit
  }

  /** Adds recorded data (hashing it in order) and sends whatever makes a full part. */
  async add(blob) {
    this.hash.update(new Uint8Array(await blob.arrayBuffer()));
    this.total += blob.size;
    this.queue.push(blob);
    this.queued += blob.size;
    if (this.queued >= this.partBytes) {
      await this.pump();
    }
  }

  /** Sends all queued data, part by part, retrying and resuming from the server's offset on failure. */
  async pump() {
    while (this.sending) {
      await this.sending;
    }
    if (this.queued === 0) {
      return;
    }
    this.sending = this.sendQueued();
    try {
      await this.sending;
    } finally {
      this.sending = null;
    }
  }

  async sendQueued() {
    let failures = 0;
    while (this.queued > 0) {
      const base = this.offset;
      const part = new Blob(this.queue);
      try {
        const res = await this.fetch(`/api/recordings/${this.id}?offset=${base}`, { method: 'PUT', body: part });
        if (res.ok) {
          this.acknowledge((await res.json()).offset);
          failures = 0;
          continue;
        }
        if (res.status !== 409 && res.status < 500) {
          throw new Fatal(await reason(res, 'the upload was refused'));
        }
      } catch (e) {
        if (e instanceof Fatal) {
          throw e;
        }
      }
      failures += 1;
      if (failures > RETRIES) {
        throw new Error('the upload keeps failing; check the connection');
      }
      await this.sleep(Math.min(8000, 250 * 2 ** failures));
      await this.resync();
    }
  }

  /** Asks the server how much it holds and drops that much from the queue. */
  async resync() {
    try {
      const res = await this.fetch(`/api/recordings/${this.id}`, { method: 'HEAD', cache: 'no-store' });
      if (res.ok) {
        this.acknowledge(Number(res.headers.get('Upload-Offset')));
      }
    } catch (e) {
      // still offline: the next attempt asks again
    }
  }

  acknowledge(serverOffset) {
    let drop = serverOffset - this.offset;
    if (!(drop > 0)) {
      return;
    }
    this.offset = serverOffset;
    while (drop > 0 && this.queue.length > 0) {
      const first = this.queue[0];
      if (first.size <= drop) {
        this.queue.shift();
        drop -= first.size;
        this.queued -= first.size;
      } else {
        this.queue[0] = first.slice(drop);
        this.queued -= drop;
        drop = 0;
      }
    }
    this.onProgress(this.offset, this.total);
  }

  /** Sends the rest and finishes with the digest; returns the stored media record. */
  async finish() {
    await this.pump();
    const sha256 = this.hash.hex();
    const res = await this.fetch(`/api/recordings/${this.id}/finish`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ sha256, size: this.total }),
    });
    if (!res.ok) {
      throw new Error(await reason(res, 'the server refused it'));
    }
    return res.json();
  }

  async cancel() {
    if (this.id) {
      await this.fetch(`/api/recordings/${this.id}`, { method: 'DELETE' }).catch(() => {});
    }
  }
}

class Fatal extends Error {}

async function reason(res, fallback) {
  try {
    const body = await res.json();
    return `${fallback}: ${body.message ?? res.status}`;
  } catch (e) {
    return `${fallback} (${res.status})`;
  }
}

function formatTime(ms) {
  const s = Math.floor(ms / 1000);
  const mmss = `${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mmss}` : mmss;
}

/** Wires the recorder section of the room page. */
function setup() {
  const section = document.getElementById('recorder');
  if (!section || typeof MediaRecorder === 'undefined') {
    if (section) {
      const m = section.querySelector('[data-testid="rec-message"]');
      m.textContent = t('rec.cannot');
      m.hidden = false;
    }
    return;
  }
  const $ = (id) => section.querySelector(`[data-testid="${id}"]`);
  const start = $('rec-start');
  const stop = $('rec-stop');
  const time = $('rec-time');
  const size = $('rec-size');
  const status = $('rec-status');
  const message = $('rec-message');
  const source = $('rec-source');
  const room = decodeURIComponent(location.pathname.split('/').filter(Boolean).pop() ?? '');
  let recorder = null;
  let timer = null;
  let ownTracks = []; // tracks opened for the recording only, stopped with it
  let mix = null; // the call composition while recording the call

  /** Shows a problem in the (otherwise hidden) message box; an empty text hides it. */
  const tell = (text) => {
    message.textContent = text;
    message.hidden = !text;
  };
  /** Tells the page (js/consent.js) that a recording started or stopped, or was saved. */
  const notify = (type, detail) => section.dispatchEvent(new CustomEvent(type, { detail }));

  const say = (text, state) => {
    status.textContent = text;
    status.dataset.state = state;
  };

  async function stream() {
    const preview = document.getElementById('video');
    const s = preview?.srcObject;
    if (s instanceof MediaStream && s.getVideoTracks().some((t) => t.readyState === 'live')) {
      if (s.getAudioTracks().length > 0) {
        return s;
      }
      // The preview has no sound: add the microphone for the recording, or record without it.
      try {
        const mic = await navigator.mediaDevices.getUserMedia({ audio: true });
        ownTracks = mic.getAudioTracks();
        return new MediaStream([...s.getVideoTracks(), ...ownTracks]);
      } catch (e) {
        tell(t('rec.noSound'));
        return s;
      }
    }
    const own = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    ownTracks = own.getTracks();
    return own;
  }

  /** The whole call composed (canvas and mixed sound), or null when no call is shown. */
  function callStream() {
    const grid = document.getElementById('call-grid');
    if (!grid || !grid.querySelector('video')) {
      return null;
    }
    mix = new CallMix(grid);
    const s = mix.start();
    section.dataset.videoTracks = String(s.getVideoTracks().length);
    section.dataset.audioTracks = String(s.getAudioTracks().length);
    return s;
  }

  function releaseMix() {
    if (mix) {
      section.dataset.framesDrawn = String(mix.framesDrawn);
      section.dataset.mixedAudio = String(mix.audioTracks);
      mix.stop();
      mix = null;
    }
  }

  start.addEventListener('click', async () => {
    tell('');
    const type = pickType();
    if (!type) {
      tell(t('rec.noType'));
      return;
    }
    const wholeCall = source?.value === 'call';
    if (wholeCall && !document.querySelector('#call-grid video')) {
      tell(t('rec.noCall'));
      return;
    }
    const container = type.startsWith('video/mp4') ? 'video/mp4' : 'video/webm';
    const upload = new RecordingUpload(room, container,
      { partBytes: Number(section.dataset.partBytes) || PART_BYTES });
    upload.onProgress = (sent, total) => say(t('rec.uploaded', { sent: formatBytes(sent), total: formatBytes(total) }), 'uploading');
    start.disabled = true;
    try {
      await upload.open();
      recorder = new MediaRecorder(wholeCall ? callStream() : await stream(), { mimeType: type });
    } catch (e) {
      releaseMix();
      start.disabled = false;
      tell(t('rec.cannotStart', { message: e.message }));
      await upload.cancel();
      return;
    }
    let chain = Promise.resolve();
    let failed = null;
    recorder.addEventListener('dataavailable', (e) => {
      if (e.data && e.data.size > 0) {
        chain = chain.then(() => upload.add(e.data)).catch((err) => { failed = failed ?? err; });
        size.textContent = formatBytes(upload.total + e.data.size);
      }
    });
    recorder.addEventListener('stop', async () => {
      clearInterval(timer);
      notify('recording', { on: false });
      releaseScreen();
      ownTracks.forEach((t) => t.stop());
      ownTracks = [];
      releaseMix();
      stop.disabled = true;
      say(t('rec.saving'), 'saving');
      try {
        await chain;
        if (failed) {
          throw failed;
        }
        if (upload.total === 0) {
          await upload.cancel();
          tell(t('rec.empty'));
          say(t('rec.notSavedShort'), 'failed');
          return;
        }
        const media = await upload.finish();
        status.dataset.mediaId = media.id;
        notify('recorded', { media });
        say(t('rec.saved', { size: formatBytes(media.size) }), 'done');
      } catch (e) {
        tell(t('rec.notSaved', { message: e.message }));
        say(t('rec.notSavedShort'), 'failed');
      } finally {
        start.disabled = false;
        if (source) {
          source.disabled = false;
        }
        recorder = null;
      }
    });
    const began = performance.now();
    recorder.start(1000);
    const releaseScreen = holdWakeLock(); // released when the recording stops (and is saved or not)
    stop.disabled = false;
    if (source) {
      source.disabled = true;
    }
    say(t('rec.recording'), 'recording');
    notify('recording', { on: true, what: wholeCall ? 'call' : 'self' });
    // The server's limit governs; the section's data-max-seconds may only lower it.
    const own = Number(section.dataset.maxSeconds) || 0;
    const limits = [upload.maxSeconds, own].filter((n) => n > 0);
    const maxSeconds = limits.length > 0 ? Math.min(...limits) : 0;
    const byServer = maxSeconds > 0 && maxSeconds === upload.maxSeconds;
    timer = setInterval(() => {
      const elapsed = performance.now() - began;
      time.textContent = formatTime(elapsed);
      if (mix) {
        section.dataset.framesDrawn = String(mix.framesDrawn);
        section.dataset.mixedAudio = String(mix.audioTracks);
      }
      if (maxSeconds > 0 && elapsed >= maxSeconds * 1000 && recorder?.state === 'recording') {
        const at = formatTime(maxSeconds * 1000);
        tell(byServer ? t('rec.serverLimit', { time: at }) : t('rec.limit', { time: at }));
        section.dataset.stoppedBy = 'limit';
        recorder.stop();
      }
    }, 250);
  });

  stop.addEventListener('click', () => {
    if (recorder?.state === 'recording') {
      recorder.stop();
    }
  });
}

if (typeof document !== 'undefined') {
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', setup);
  } else {
    setup();
  }
}
