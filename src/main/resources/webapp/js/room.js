/**
 * The room page: joins the mesh room named in the path and wires its parts together: the members
 * and their links (js/members.js), photos (js/photos.js), the call (js/call-controls.js), chat, file
 * sharing, diagnostics and signaling. What the parts share lives in one object, {@code page}; the call,
 * chat, file sharing and recording consent follow the members through their events (watch(members)).
 */
import { rtcConfiguration } from './api.js';
import { el } from './dom.js';
import { Gallery } from './gallery.js';
import { randomId } from './hash.js';
import { myClientId, setUpHeader } from './identity.js';
import { Members } from './members.js';
import { Photos } from './photos.js';
import { SignalingClient } from './signaling.js';
import { currentPhoto, resumeCamera, setUpPhotoSources, stopCamera, usePhoto } from './sources.js';
import { Arrivals } from './arrivals.js';
import { RecordingConsent } from './consent.js';
import { Profile } from './profile.js';
import { RoomBlocked } from './edge.js';
import { setUpCall } from './call-controls.js';
import { Chat } from './chat.js';
import { runDiagnostics } from './diagnostics.js';
import { readQuality } from './quality.js';
import { FileShare } from './files.js';
import { announce } from './announce.js';
import { Notifier } from './notify.js';
import { setUpApp } from './pwa.js';
import { fillPage } from './i18n.js';
import { rememberRoom } from './recent-rooms.js';
import { takeShare } from './staged.js';
import { t } from './strings.js';
import { ERROR_CODE, SIGNAL_KIND, SIGNALING } from './events.js';

const ROOM_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const room = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const relayOnly = params.get('relay') === '1';

/** What the parts of the room page share; main() fills in the parts as it sets them up. */
const page = {
  room,
  /** How long a peer's data channel may take to open before that peer gets the photo via the server. */
  fallbackMs: Math.min(Math.max(Number(params.get('fallback')) || 5000, 200), 60000),
  /** An upper bound on the data-channel message size (?chunk=BYTES), for tuning; none by default. */
  messageLimit: Math.max(Number(params.get('chunk')) || 0, 0),
  members: new Map(), // peerId -> {name, link, element, stateElement}
  selfId: null,
  rtcConfig: { iceServers: [] },
  clientId: null,
  signaling: null,
  gallery: null,
  call: null,
  chat: null,
  files: null,
  notifier: null,
  arrivals: new Arrivals($('incoming'), $('toasts')),
};
const photos = new Photos(page);
const members = new Members(page, photos);
const consent = new RecordingConsent($('recording-badges'));
consent.watch(members);
const profile = new Profile(page, members, consent, $('my-name'));
const blocked = new RoomBlocked();
let pendingSignals = [];

// ---- chat, diagnostics, network, test hooks ----

function setUpChat() {
  page.chat = new Chat($('chat-list'), () => randomId(12), (m) => {
    announce(t('announce.chat', { peer: m.name, text: m.text }));
    page.notifier.notify(t('notify.chatTitle', { peer: m.name }), m.text, 'chat');
  });
  page.chat.watch(members);
  $('chat-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = $('chat-input');
    if (input.value.trim()) {
      page.chat.send($('my-name').value, input.value);
      input.value = '';
    }
  });
}

function setUpDiagnostics() {
  const button = $('diagnostics');
  const list = $('diagnostic-list');
  button.addEventListener('click', async () => {
    button.disabled = true;
    list.replaceChildren(el('li', { className: 'hint', 'data-testid': 'diagnostic-running' }, t('room.testing')));
    try {
      const { iceServers } = await rtcConfiguration(false);
      list.replaceChildren();
      await runDiagnostics(iceServers, (r) => list.append(el('li', {
        className: r.ok ? 'ok' : 'bad', 'data-testid': 'diagnostic-result',
        dataset: { check: r.check, ok: String(r.ok), url: r.url },
      }, el('strong', {}, `${r.ok ? '✔' : '✘'} ${r.label}`), ` ${r.url ? `${r.url}: ` : ''}${r.detail}`)));
    } finally {
      button.disabled = false;
    }
  });
}

/** A network change (Wi-Fi to mobile, VPN, waking up): fresh candidates for every connection. */
function setUpNetworkWatch() {
  const restartAll = () => {
    for (const m of page.members.values()) {
      m.link.restartIce();
    }
  };
  window.addEventListener('online', restartAll);
  navigator.connection?.addEventListener?.('change', restartAll);
}

/**
 * With ?testhooks=1 only: window.switchboardTest lets browser tests break a pair's connection for
 * good (close it under the link) and read which connection a pair is on.
 */
function setUpTestHooks() {
  window.switchboardTest = {
    closeConnection: (peerId) => page.members.get(peerId)?.link.pc.close(),
    connection: (peerId) => {
      const link = page.members.get(peerId)?.link;
      return link ? { gen: link.gen, state: link.pc.connectionState, polite: link.polite, rebuilds: link.rebuilds } : null;
    },
    /** The SDPs of the connection to a peer, as {local, remote} (the verification code's inputs). */
    descriptions: (peerId) => {
      const pc = page.members.get(peerId)?.link.pc;
      return pc ? { local: pc.localDescription?.sdp ?? null, remote: pc.remoteDescription?.sdp ?? null } : null;
    },
    /** The getStats() figures of js/quality.js for the connection to a peer. */
    stats: (peerId) => readQuality(page.members.get(peerId).link.pc),
    /** The RTCRtpSender of our {@code kind} track to a peer, tagged so a later read can tell it is the same object. */
    sender: (peerId, kind) => {
      const sender = page.call.links.get(peerId)?.senders.get(kind);
      if (!sender) {
        return null;
      }
      sender.testTag ??= randomId(6);
      return { tag: sender.testTag, track: sender.track?.id ?? null, enabled: sender.track?.enabled ?? null };
    },
  };
}

// ---- signaling ----

function handleSignal({ from, data }) {
  if (!data || typeof from !== 'string') {
    return;
  }
  if (data.description || data.candidate || data.kind === SIGNAL_KIND.REBUILD) {
    (page.members.get(from) ?? members.add(from, null)).link.handleSignal(data);
  } else if (data.kind === SIGNAL_KIND.SERVER_PHOTO) {
    photos.receiveViaServer(from, data);
  } else if (data.kind === SIGNAL_KIND.SERVER_PHOTO_RESULT && typeof data.id === 'string') {
    photos.serverPhotoResult(from, data);
  } else if (data.kind === SIGNAL_KIND.SERVER_FILE) {
    page.files.server?.receive(from, data);
  } else if (data.kind === SIGNAL_KIND.SERVER_FILE_RESULT) {
    page.files.server?.result(from, data);
  } else if (data.kind === SIGNAL_KIND.SERVER_FILE_CANCEL) {
    page.files.server?.cancelled(from, data);
  } else if (data.kind === SIGNAL_KIND.PROFILE) {
    profile.receive(from, data);
  } else if (data.kind === SIGNAL_KIND.RECORDED) {
    profile.receiveRecorded(from, data);
  }
}

function setUpSignaling() {
  const status = $('connection');
  const signaling = new SignalingClient(room, $('my-name').value);
  page.signaling = signaling;
  signaling.addEventListener(SIGNALING.JOINED, (e) => {
    members.reset();
    page.selfId = e.detail.id;
    members.renderSelf();
    status.textContent = t(relayOnly ? 'room.joinedRelay' : 'room.joined', { room });
    status.dataset.state = 'joined';
    rememberRoom(room);
    blocked.clear();
    resumeCamera();
    for (const p of e.detail.peers ?? []) {
      members.add(p.id, p.name);
    }
    if (profile.recording) {
      profile.sendAll(); // back after a reconnect while recording: the others see the badge again
    }
    showAlone();
    photos.flushPending();
    const queued = pendingSignals;
    pendingSignals = [];
    queued.forEach(handleSignal);
  });
  signaling.addEventListener(SIGNALING.PEER_JOINED, (e) => {
    if (page.selfId) {
      const m = members.add(e.detail.id, e.detail.name);
      announce(t('announce.joined', { peer: m.name }));
      profile.sendTo(m.id); // our name as it is now (the server knows the one we joined with) and recording
      photos.peerJoined(m);
      showAlone();
    }
  });
  signaling.addEventListener(SIGNALING.PEER_LEFT, (e) => {
    const m = page.members.get(e.detail.id);
    if (m) {
      announce(t('announce.left', { peer: m.name }));
    }
    members.remove(e.detail.id, e.detail.reason);
    showAlone();
  });
  signaling.addEventListener(SIGNALING.SIGNAL, (e) => {
    if (page.selfId) {
      handleSignal(e.detail);
    } else {
      pendingSignals.push(e.detail);
    }
  });
  signaling.addEventListener(SIGNALING.MEDIA_ADDED, (e) => page.gallery.add(e.detail));
  signaling.addEventListener(SIGNALING.MEDIA_REMOVED, (e) => page.gallery.remove(e.detail?.id));
  signaling.addEventListener(SIGNALING.DISCONNECTED, (e) => {
    page.selfId = null; // out of the room until we know: new photos wait, marked pending
    status.textContent = t('room.lost');
    status.dataset.state = 'disconnected';
    if (!e.detail.recoverable) {
      members.reset();
    }
    // else: the server keeps our seat for a while; members and their calls stay until we know
  });
  signaling.addEventListener(SIGNALING.RECOVERED, (e) => {
    // still in the room under the same id: what we missed arrives now, nothing to join again
    page.selfId = e.detail.id;
    status.textContent = t(relayOnly ? 'room.joinedRelay' : 'room.joined', { room });
    status.dataset.state = 'joined';
    photos.flushPending();
    const queued = pendingSignals;
    pendingSignals = [];
    queued.forEach(handleSignal);
  });
  signaling.addEventListener(SIGNALING.RESET, () => {
    page.selfId = null;
    members.reset();
  });
  signaling.addEventListener(SIGNALING.ERROR, (e) => {
    const full = e.detail?.code === ERROR_CODE.ROOM_FULL;
    if (full || e.detail?.event === SIGNALING.JOIN) {
      status.textContent = t('room.refused', { message: e.detail.message });
      status.dataset.state = 'refused';
      stopCamera();
      if (full) {
        blocked.full(e.detail.message, e.detail.capacity, () => signaling.join());
      } else {
        blocked.refused(status.textContent, () => signaling.join());
      }
    }
  });
  window.addEventListener('pagehide', () => {
    signaling.leave();
    signaling.disconnect();
  });
  signaling.connect();
}

/** Alone in the room: the invitation comes first. */
function showAlone() {
  document.body.toggleAttribute('data-alone', page.members.size === 0);
}

/** The recorder (js/recorder.js) tells when it records and what it saved; everyone in the room is told. */
function setUpConsent() {
  $('recorder').addEventListener('recording', (e) => profile.setRecording(e.detail.on ? e.detail.what : null));
  $('recorder').addEventListener('recorded', (e) => profile.recorded(e.detail.media));
}

async function main() {
  if (!ROOM_NAME.test(room)) {
    $('connection').textContent = t('room.badLink');
    blocked.badLink();
    return;
  }
  page.arrivals.setTitle(t('room.title', { room }));
  showAlone();
  page.notifier = new Notifier($('notify-toggle'), $('notify-message'));
  setUpHeader(room, (name) => profile.rename(name));
  setUpConsent();
  setUpPhotoSources({ onOtherFiles: (list) => page.files?.sendFiles(list) });
  $('send-photo').addEventListener('click', () => {
    if (currentPhoto()) {
      photos.send(currentPhoto());
    }
  });
  page.gallery = new Gallery($('gallery-list'), $('gallery-status'), room);
  page.gallery.load();
  page.call = setUpCall(page.members, { maxVideos: Number(params.get('maxvideos')) });
  page.call.watch(members);
  page.call.addEventListener('change', () => document.body.toggleAttribute('data-in-call', page.call.joined));
  setUpChat();
  page.clientId = await myClientId();
  const files = new FileShare($('files'), () => randomId(12), {
    client: page.clientId, room, signal: (to, data) => page.signaling.signal(to, data), fallbackMs: page.fallbackMs,
    incomingList: $('incoming-files'), onIncoming: () => { $('incoming-empty').hidden = true; },
  });
  page.files = files;
  files.watch(members);
  if (files.server) {
    members.watchServerFiles(files.server);
  }
  if (params.get('shared')) {
    takeShare(params.get('shared'), {
      box: document.querySelector('[data-testid=files-staged]'), sendFiles: (list) => files.sendFiles(list),
      usePhoto, chatInput: $('chat-input'),
    }).catch((e) => console.warn(`shared files: ${e.message}`));
  }
  setUpDiagnostics();
  setUpNetworkWatch();
  if (params.get('testhooks') === '1') {
    setUpTestHooks();
  }
  page.rtcConfig = await rtcConfiguration(relayOnly);
  setUpSignaling();
}

fillPage();
setUpApp();
main();
