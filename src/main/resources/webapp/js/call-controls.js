/**
 * The room's call controls: join, leave, mute, camera, screen sharing and device pickers around
 * js/call.js, and every couple of seconds each peer's round trip, loss and path on its tile and its
 * member row.
 */
import { announce } from './announce.js';
import { Call, MAX_VIDEOS } from './call.js';
import { el } from './dom.js';
import { describeQuality, readQuality } from './quality.js';
import { show } from './sources.js';
import { t } from './strings.js';

const $ = (id) => document.getElementById(id);
/** call-message's data-code when we joined without a device (js/call.js Call.missing). */
const MISSING_CODES = { camera: 'no-camera', microphone: 'no-microphone', both: 'listen-only' };

/** Sets up the call of a room page; {@code members}: peerId -> member (js/members.js). Returns the Call. */
export function setUpCall(members, { maxVideos }) {
  const call = new Call($('call-grid'), { maxVideos: maxVideos || MAX_VIDEOS });
  const buttons = ['leave-call', 'mute', 'camera-off'].map($);
  const share = $('share-screen');
  const canShare = typeof navigator.mediaDevices?.getDisplayMedia === 'function';
  const render = () => {
    $('join-call').hidden = call.joined;
    buttons.forEach((b) => { b.hidden = !call.joined; });
    $('mute').hidden = !call.joined || !call.audio;
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
      await listDevices(call);
      const [code, text] = call.soundOnly ? ['sound-only', t('call.soundOnly', { max: call.maxVideos })]
        : call.missing ? [MISSING_CODES[call.missing], t(`call.missing.${call.missing}`)] : [null, null];
      if (code) {
        show($('call-message'), text, true);
        $('call-message').dataset.code = code;
        $('call-message').scrollIntoView({ block: 'nearest' });
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
  setInterval(() => refreshQuality(members), 2000);
  return call;
}

async function listDevices(call) {
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
async function refreshQuality(members) {
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
