/**
 * The room page: joins the mesh room named in the path, keeps one PeerLink per other member, and
 * sends each photo to every member over its data channels (or via the server copy when a peer's
 * channel does not open in time), while uploading that copy with its own progress and retry.
 */
import { downloadMedia, isMedia, rtcConfiguration, uploadWithRetry } from './api.js';
import { IncomingCard, OutgoingCard } from './cards.js';
import { el, formatBytes } from './dom.js';
import { cleanName } from './framing.js';
import { Gallery } from './gallery.js';
import { randomId, sha256Hex } from './hash.js';
import { sniffImageType } from './imagetype.js';
import { MAX_REBUILDS, PeerLink } from './peer.js';
import { SignalingClient } from './signaling.js';
import { currentPhoto, setUpPhotoSources, show, usePhoto } from './sources.js';
import { Call, MAX_VIDEOS } from './call.js';
import { Chat } from './chat.js';
import { runDiagnostics } from './diagnostics.js';
import { describeQuality, readQuality } from './quality.js';
import { FileShare } from './files.js';
import { announce, announceError } from './announce.js';
import { Notifier } from './notify.js';
import { setUpApp } from './pwa.js';
import { fillPage } from './i18n.js';
import { rememberRoom } from './recent-rooms.js';
import { takeShare } from './staged.js';
import { hasString, t } from './strings.js';
import { holdWhileBusy, SERVER_BUSY } from './wakelock.js';

const ROOM_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const room = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const relayOnly = params.get('relay') === '1';
/** How long a peer's data channel may take to open before that peer gets the photo via the server. */
const fallbackMs = Math.min(Math.max(Number(params.get('fallback')) || 5000, 200), 60000);
/** An upper bound on the data-channel message size (?chunk=BYTES), for tuning; none by default. */
const messageLimit = Math.max(Number(params.get('chunk')) || 0, 0);

const members = new Map(); // peerId -> {name, link, element, stateElement}
const incomingCards = new Map(); // `${peerId}/${transferId}` -> IncomingCard
const outgoing = new Map(); // transferId -> {card, photo}
let selfId = null;
let pendingSignals = [];
let rtcConfig = { iceServers: [] };
let signaling = null;
let gallery = null;
let call = null;
let chat = null;
let files = null;
let notifier = null;
let clientId = null;

// ---- room, name, link ----

function myName() {
  let name = localStorage.getItem('switchboard.name');
  if (!name) {
    name = `Guest ${randomId(3)}`;
    localStorage.setItem('switchboard.name', name);
  }
  return name;
}

const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * This page's stable client id, so peers recognise it when it comes back with a new signaling id: the
 * browser's id from localStorage (kept across reloads and restarts), unless another tab of this browser
 * holds it (a Web Lock per id), then a fresh one; sessionStorage keeps the choice for this tab's reloads.
 * Two tabs never share an id, so their received files (named by it in OPFS) never collide.
 */
async function myClientId() {
  let id = sessionStorage.getItem('switchboard.client');
  if (CLIENT_ID.test(id ?? '')) {
    holdLock(id, false); // this tab's id before a reload: the lock follows once the old page lets go
    return id;
  }
  const shared = localStorage.getItem('switchboard.client');
  id = CLIENT_ID.test(shared ?? '') ? shared : randomId(12);
  localStorage.setItem('switchboard.client', id);
  if (!(await holdLock(id, true))) {
    id = randomId(12); // another tab uses the browser's id
    holdLock(id, false);
  }
  sessionStorage.setItem('switchboard.client', id);
  return id;
}

/** Holds the Web Lock named after {@code id} for the page's life; resolves false if another page holds it. */
function holdLock(id, ifAvailable) {
  if (!navigator.locks) {
    return Promise.resolve(true);
  }
  return new Promise((resolve) => {
    navigator.locks.request(`switchboard.client.${id}`, { ifAvailable }, (lock) => {
      resolve(lock !== null);
      return lock ? new Promise(() => {}) : undefined; // never released while the page lives
    }).catch(() => resolve(true));
    if (!ifAvailable) {
      resolve(true); // waiting for a lock the previous page of this tab still holds is fine
    }
  });
}

function setUpHeader() {
  const link = `${location.origin}/room/${room}`;
  $('room-link').value = link;
  $('copy-link').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(link);
      $('copy-status').textContent = t('room.linkCopied');
    } catch (e) {
      $('room-link').select();
      $('copy-status').textContent = t('room.copyByHand');
    }
  });
  const nameInput = $('my-name');
  nameInput.value = myName();
  nameInput.addEventListener('change', () => {
    const n = nameInput.value.trim().slice(0, 64);
    if (n) {
      localStorage.setItem('switchboard.name', n);
      $('copy-status').textContent = t('room.nameLater');
    }
  });
}

// ---- members and links ----

function renderSelf() {
  const list = $('member-list');
  list.prepend(el('li', { className: 'self', dataset: { peer: selfId } },
    el('span', {}, t('room.you', { name: $('my-name').value }))));
}

function addPeer(id, name) {
  const existing = members.get(id);
  if (existing) {
    existing.name = name ?? existing.name;
    existing.nameElement.textContent = existing.name;
    call?.rename(id, existing.name);
    files?.rename(id, existing.name);
    return existing;
  }
  const stateElement = el('span', { className: 'peer-state', 'data-testid': 'peer-state', dataset: { peer: id, state: 'connecting' } }, t('peer.connecting'));
  const nameElement = el('span', {}, name ?? t('room.guest'));
  const element = el('li', { dataset: { peer: id } }, nameElement, stateElement);
  $('member-list').append(element);
  const m = { id, name: name ?? t('room.guest'), nameElement, element, stateElement, link: null };
  members.set(id, m);
  const link = new PeerLink(selfId, id, rtcConfig, (data) => signaling.signal(id, data), { messageLimit, client: clientId });
  m.link = link;
  attachCallAndChat(m);
  files.attach(id, m.name, link);
  link.addEventListener('state', (e) => {
    if (e.detail !== 'closed') {
      stateElement.dataset.state = e.detail;
      stateElement.textContent = hasString(`peer.${e.detail}`)
        ? t(`peer.${e.detail}`, { attempt: Math.max(link.rebuilds, 1), max: MAX_REBUILDS }) : e.detail;
    }
  });
  link.addEventListener('rebuild', (e) => tellRebuild(m, e.detail));
  link.addEventListener('ready', () => {
    link.transfers.addEventListener('incoming', (e) => onIncoming(m, e.detail));
    link.transfers.addEventListener('update', (e) => onTransferUpdate(m, e.detail));
    watchTransfers(m, link.transfers);
  });
  return m;
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

/** What a peer's transfers tell the person: offers (live region, notification when hidden), results; the wake lock. */
function watchTransfers(m, transfers) {
  holdWhileBusy(transfers);
  tellAbout(transfers, () => m);
}

/** The same for files through the server (js/file-server.js), whose transfers name their peer. */
function watchServerFiles(server) {
  holdWhileBusy(server, SERVER_BUSY);
  tellAbout(server, (x) => members.get(x.peer) ?? { id: x.peer, name: t('room.guest') });
}

/** Announces offers and results of {@code transfers}' events; {@code memberOf(transfer)}: {id, name}. */
function tellAbout(transfers, memberOf) {
  transfers.addEventListener('offer', (e) => {
    const f = e.detail;
    const m = memberOf(f);
    const size = formatBytes(f.size);
    announce(t('announce.offer', { peer: m.name, name: f.name, size }));
    notifier.notify(t('notify.offerTitle', { peer: m.name }), t('notify.offerBody', { name: f.name, size }), `offer-${m.id}-${f.id}`);
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

function removePeer(id, reason) {
  const m = members.get(id);
  if (!m) {
    return;
  }
  members.delete(id);
  call?.detach(id);
  chat?.detach(id);
  files?.detach(id);
  m.link.close(); // fails this peer's unfinished transfers, which updates their cards
  m.element.remove();
  for (const entry of outgoing.values()) {
    const row = entry.card.rows.get(id); // a photo on its way via the server waits for no answer now
    if (row && !['verified', 'failed', 'cancelled'].includes(row.element.dataset.state)) {
      row.setState('failed', 'the peer left');
    }
  }
  for (const [key, card] of incomingCards) {
    if (key.startsWith(`${id}/`) && !['verified', 'failed', 'cancelled'].includes(card.row.element.dataset.state)) {
      card.row.setState('failed', reason === 'left' ? 'the sender left' : 'the sender went away');
    }
  }
}

function resetRoom() {
  for (const id of [...members.keys()]) {
    removePeer(id, 'disconnected');
  }
  $('member-list').replaceChildren();
}

// ---- sending ----

function sendPhoto(photo) {
  const id = randomId(12);
  const card = new OutgoingCard(photo, photo.url);
  card.element.dataset.clickedAt = String(performance.timeOrigin + performance.now());
  $('sent-list').prepend(card.element);
  const entry = { card, photo, upload: null };
  outgoing.set(id, entry);
  entry.upload = startUpload(photo, card);
  const peers = [...members.values()];
  if (peers.length === 0) {
    show($('send-message'), t('room.aloneWithPhoto'), true);
  }
  for (const m of peers) {
    deliver(id, entry, m);
  }
}

/** Uploads the server copy; resolves to the media record, or null when every try failed. */
function startUpload(photo, card) {
  let resolveFinal;
  const final = new Promise((r) => { resolveFinal = r; });
  const attempt = async () => {
    card.retry.hidden = true;
    card.noServerCopy = false;
    card.upload.setState('uploading');
    try {
      const media = await uploadWithRetry(room, photo.blob, photo.sha256, {
        onProgress: (done, total) => card.upload.setProgress(done, total),
        onAttempt: (n) => n > 1 && card.upload.setState('uploading', `try ${n}`),
      });
      if (!isMedia(media) || media.sha256 !== photo.sha256) {
        throw new Error('the server answered with a different photo');
      }
      card.upload.setProgress(photo.size, photo.size);
      card.upload.setState('saved');
      gallery.add(media);
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

async function deliver(id, entry, m) {
  const { card, photo } = entry;
  const row = card.row(m.id, m.name, () => {
    m.link.transfers?.cancel(id, 'cancelled by the sender');
    row.setState('cancelled');
  });
  row.setProgress(0, photo.size);
  const link = m.link;
  const age = performance.now() - link.createdAt;
  const ready = await link.waitReady(fallbackMs - age);
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
  if (!members.has(m.id)) {
    row.setState('failed', 'the peer left');
    return;
  }
  viaServer(id, entry, m, row);
}

/** Sends a peer the server copy's id over signaling, once the upload has finished. */
async function viaServer(id, entry, m, row) {
  row.setPath('server');
  row.setState('waiting', 'no direct connection; waiting for the server copy');
  const media = entry.card.noServerCopy ? null : await Promise.race([entry.upload,
    new Promise((r) => entry.card.element.addEventListener('upload-failed', () => r(null), { once: true }))]);
  if (!media) {
    row.setState('failed', 'no direct connection and no server copy (retry the upload)');
    entry.upload.then((later) => later && members.has(m.id) && viaServer(id, entry, m, row));
    return;
  }
  row.setState('sent');
  row.setProgress(entry.photo.size, entry.photo.size);
  const res = await signaling.signal(m.id, {
    kind: 'server-photo', id, name: entry.photo.name,
    media: { id: media.id, sha256: media.sha256, size: media.size, contentType: media.contentType },
  });
  if (!res.ok) {
    row.setState('failed', res.error?.message ?? 'signaling refused');
  }
}

function onTransferUpdate(m, t) {
  if (t.direction === 'out') {
    const entry = outgoing.get(t.id);
    const row = entry?.card.rows.get(m.id);
    if (!row) {
      return;
    }
    row.setProgress(t.state === 'verified' ? t.size : t.bytes, t.size);
    if (t.state === 'failed' && members.has(m.id) && !m.link.ready) {
      viaServer(t.id, entry, m, row); // the channel broke mid-way: the server copy still gets there
    } else {
      row.setState(t.state, t.state === 'failed' || t.state === 'cancelled' ? t.error : undefined);
    }
    if (t.state === 'verified' && t.elapsedMs !== undefined) {
      row.element.dataset.elapsedMs = String(Math.round(t.elapsedMs));
    }
    return;
  }
  const card = incomingCards.get(`${m.id}/${t.id}`);
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

function onIncoming(m, t) {
  const card = new IncomingCard({
    id: t.id, fromName: m.name, peerId: m.id, name: t.name, size: t.size,
    onCancel: () => m.link.transfers?.cancel(t.id, 'cancelled by the receiver'),
  });
  card.row.setPath(m.link.path === 'relayed' ? 'relayed' : 'direct');
  incomingCards.set(`${m.id}/${t.id}`, card);
  $('received-list').prepend(card.element);
}

async function receiveViaServer(from, data) {
  const m = members.get(from);
  const media = data.media;
  if (!m || !media || !isMedia(media) || typeof data.id !== 'string' || !/^[0-9a-f]{64}$/.test(media.sha256 ?? '')) {
    return;
  }
  const key = `${from}/${data.id}`;
  if (incomingCards.has(key)) {
    return;
  }
  const card = new IncomingCard({ id: data.id, fromName: m.name, peerId: from, name: cleanName(data.name), size: media.size ?? 0 });
  card.row.setPath('server');
  incomingCards.set(key, card);
  $('received-list').prepend(card.element);
  try {
    const { bytes, type } = await downloadMedia(media.id, (done, total) => card.row.setProgress(done, total || media.size));
    card.row.setState('verifying');
    const sha256 = await sha256Hex(bytes);
    if (sha256 !== media.sha256 || (media.size && bytes.byteLength !== media.size)) {
      card.row.setState('failed', 'the server copy does not match the announced photo');
      signaling.signal(from, { kind: 'server-photo-result', id: data.id, ok: false, error: 'hash mismatch' });
      return;
    }
    card.row.setProgress(bytes.byteLength, bytes.byteLength);
    card.show(new Blob([bytes], { type: sniffImageType(bytes) ?? type ?? 'image/jpeg' }), sha256, 'server');
    signaling.signal(from, { kind: 'server-photo-result', id: data.id, ok: true });
  } catch (e) {
    card.row.setState('failed', `download failed: ${e.message}`);
    signaling.signal(from, { kind: 'server-photo-result', id: data.id, ok: false, error: e.message });
  }
}

/** A peer's word that it got (or could not get) a photo from the server copy. */
function serverPhotoResult(from, data) {
  const row = outgoing.get(data.id)?.card.rows.get(from);
  if (row && row.element.dataset.path === 'server') {
    row.setState(data.ok === true ? 'verified' : 'failed', data.ok === true ? undefined : String(data.error ?? '').slice(0, 200));
  }
}

// ---- call, chat, quality, diagnostics ----

/** Every new link: our media if we are in the call, its remote media in the grid, its chat channel. */
function attachCallAndChat(m) {
  m.qualityElement = el('span', { className: 'member-quality hint', 'data-testid': 'member-quality', dataset: { peer: m.id } });
  m.element.append(m.qualityElement);
  call.attach(m.link, m.name);
  if (m.link.chat) {
    chat.attach(m.id, m.link.chat);
  }
  m.link.addEventListener('chat', (e) => chat.attach(m.id, e.detail));
}

function setUpCall() {
  call = new Call($('call-grid'), { maxVideos: Number(params.get('maxvideos')) || MAX_VIDEOS });
  const buttons = ['leave-call', 'mute', 'camera-off'].map($);
  const share = $('share-screen');
  const canShare = typeof navigator.mediaDevices?.getDisplayMedia === 'function';
  const render = () => {
    $('join-call').hidden = call.joined;
    buttons.forEach((b) => { b.hidden = !call.joined; });
    $('call-devices').hidden = !call.joined;
    $('camera-off').hidden = !call.joined || !call.camera;
    share.hidden = !call.joined || !canShare || !call.camera;
    share.textContent = t(call.screen ? 'call.stopSharing' : 'call.share');
    $('mute').textContent = t(call.muted ? 'call.unmute' : 'call.mute');
    $('mute').setAttribute('aria-pressed', String(call.joined && call.muted));
    $('camera-off').textContent = t(call.cameraOff ? 'call.cameraOn' : 'call.cameraOff');
    $('camera-off').setAttribute('aria-pressed', String(call.cameraOff));
  };
  call.addEventListener('change', render);
  const problem = (e) => show($('call-message'), t('room.callProblem', e), true);
  $('join-call').addEventListener('click', async () => {
    $('call-message').hidden = true;
    try {
      await call.join();
      await listDevices();
      if (call.soundOnly) {
        const text = t('call.soundOnly', { max: call.maxVideos });
        show($('call-message'), text, true);
        $('call-message').dataset.code = 'sound-only';
        announce(text);
      }
    } catch (e) {
      problem({ action: t('room.callJoin'), message: e.name === 'NotAllowedError' ? t('room.callDenied') : e.message });
    }
  });
  $('leave-call').addEventListener('click', () => {
    call.leave();
    $('call-message').hidden = true;
  });
  $('mute').addEventListener('click', () => call.setMuted(!call.muted));
  $('camera-off').addEventListener('click', () => call.setCameraOff(!call.cameraOff));
  share.addEventListener('click', () => (call.screen ? call.stopSharing() : call.shareScreen())
    .catch((e) => problem({ action: t('room.callShare'), message: e.message })));
  for (const [id, kind] of [['call-mic', 'audio'], ['call-cam', 'video']]) {
    $(id).addEventListener('change', () => call.switchDevice(kind, $(id).value)
      .catch((e) => problem({ action: t('room.callSwitch'), message: e.message })));
  }
  render();
  setInterval(refreshQuality, 2000);
}

async function listDevices() {
  const devices = await navigator.mediaDevices.enumerateDevices();
  for (const [id, kind, track] of [['call-mic', 'audioinput', call.audio], ['call-cam', 'videoinput', call.camera]]) {
    const current = track?.getSettings().deviceId;
    $(id).replaceChildren(...devices.filter((d) => d.kind === kind).map((d, i) => {
      const o = el('option', { value: d.deviceId }, d.label || t(kind === 'audioinput' ? 'room.microphoneN' : 'room.cameraN', { n: i + 1 }));
      o.selected = d.deviceId === current;
      return o;
    }));
  }
}

/** Every couple of seconds: each peer's round trip, loss and path, on its tile and its member row. */
async function refreshQuality() {
  for (const m of members.values()) {
    const pc = m.link.pc;
    if (m.link.closed || !['connected', 'disconnected'].includes(pc.connectionState)) {
      if (m.link.state === 'failed' || m.link.closed) {
        m.stateElement.dataset.path = 'server'; // no path between the browsers: photos go via the server
      }
      continue;
    }
    try {
      const q = await readQuality(pc);
      const text = describeQuality(q);
      m.stateElement.dataset.path = q.path === 'relayed' ? 'turn' : 'direct';
      m.stateElement.title = text;
      const target = $('call-grid').querySelector(`[data-testid=peer-quality][data-peer="${CSS.escape(m.id)}"]`);
      for (const e of [target, m.qualityElement].filter(Boolean)) {
        e.textContent = text;
        Object.assign(e.dataset, {
          rtt: q.rtt === undefined ? '' : String(q.rtt), lost: String(q.lost), received: String(q.received),
          path: q.path ?? '', audioEnergy: String(q.audioEnergy), audioPackets: String(q.audioPackets),
          framesDecoded: String(q.framesDecoded),
        });
      }
    } catch (e) {
      // the connection closed between the check and the read
    }
  }
}

function setUpChat() {
  chat = new Chat($('chat-list'), () => randomId(12), (m) => {
    announce(t('announce.chat', { peer: m.name, text: m.text }));
    notifier.notify(t('notify.chatTitle', { peer: m.name }), m.text, 'chat');
  });
  $('chat-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = $('chat-input');
    if (input.value.trim()) {
      chat.send($('my-name').value, input.value);
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
    for (const m of members.values()) {
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
    closeConnection: (peerId) => members.get(peerId)?.link.pc.close(),
    connection: (peerId) => {
      const link = members.get(peerId)?.link;
      return link ? { gen: link.gen, state: link.pc.connectionState, polite: link.polite, rebuilds: link.rebuilds } : null;
    },
    /** The getStats() figures of js/quality.js for the connection to a peer. */
    stats: (peerId) => readQuality(members.get(peerId).link.pc),
    /** The RTCRtpSender of our {@code kind} track to a peer, tagged so a later read can tell it is the same object. */
    sender: (peerId, kind) => {
      const sender = call.links.get(peerId)?.senders.get(kind);
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
  if (data.description || data.candidate || data.kind === 'rebuild') {
    (members.get(from) ?? addPeer(from, null)).link.handleSignal(data);
  } else if (data.kind === 'server-photo') {
    receiveViaServer(from, data);
  } else if (data.kind === 'server-photo-result' && typeof data.id === 'string') {
    serverPhotoResult(from, data);
  } else if (data.kind === 'server-file') {
    files.server?.receive(from, data);
  } else if (data.kind === 'server-file-result') {
    files.server?.result(from, data);
  } else if (data.kind === 'server-file-cancel') {
    files.server?.cancelled(from, data);
  }
}

function setUpSignaling() {
  const status = $('connection');
  signaling = new SignalingClient(room, $('my-name').value);
  signaling.addEventListener('joined', (e) => {
    resetRoom();
    selfId = e.detail.id;
    renderSelf();
    status.textContent = t(relayOnly ? 'room.joinedRelay' : 'room.joined', { room });
    status.dataset.state = 'joined';
    rememberRoom(room);
    for (const p of e.detail.peers ?? []) {
      addPeer(p.id, p.name);
    }
    const queued = pendingSignals;
    pendingSignals = [];
    queued.forEach(handleSignal);
  });
  signaling.addEventListener('peer-joined', (e) => {
    if (selfId) {
      const m = addPeer(e.detail.id, e.detail.name);
      announce(t('announce.joined', { peer: m.name }));
    }
  });
  signaling.addEventListener('peer-left', (e) => {
    const m = members.get(e.detail.id);
    if (m) {
      announce(t('announce.left', { peer: m.name }));
    }
    removePeer(e.detail.id, e.detail.reason);
  });
  signaling.addEventListener('signal', (e) => {
    if (selfId) {
      handleSignal(e.detail);
    } else {
      pendingSignals.push(e.detail);
    }
  });
  signaling.addEventListener('media-added', (e) => gallery.add(e.detail));
  signaling.addEventListener('media-removed', (e) => gallery.remove(e.detail?.id));
  signaling.addEventListener('disconnected', () => {
    selfId = null;
    status.textContent = t('room.lost');
    status.dataset.state = 'disconnected';
    resetRoom();
  });
  signaling.addEventListener('error', (e) => {
    if (e.detail?.code === 'room_full' || e.detail?.event === 'join') {
      status.textContent = t('room.refused', { message: e.detail.message });
      announceError(status.textContent);
      status.dataset.state = 'refused';
    }
  });
  window.addEventListener('pagehide', () => {
    signaling.leave();
    signaling.disconnect();
  });
  signaling.connect();
}

async function main() {
  if (!ROOM_NAME.test(room)) {
    $('connection').textContent = t('room.badLink');
    return;
  }
  document.title = t('room.title', { room });
  notifier = new Notifier($('notify-toggle'), $('notify-message'));
  setUpHeader();
  setUpPhotoSources();
  $('send-photo').addEventListener('click', () => {
    if (currentPhoto()) {
      sendPhoto(currentPhoto());
    }
  });
  gallery = new Gallery($('gallery-list'), $('gallery-status'), room);
  gallery.load();
  setUpCall();
  setUpChat();
  clientId = await myClientId();
  files = new FileShare($('files'), () => randomId(12), {
    client: clientId, room, signal: (to, data) => signaling.signal(to, data), fallbackMs,
  });
  if (files.server) {
    watchServerFiles(files.server);
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
  rtcConfig = await rtcConfiguration(relayOnly);
  setUpSignaling();
}

fillPage();
setUpApp();
main();
