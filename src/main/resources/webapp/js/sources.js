/**
 * Where photos come from: the camera (preview, device picker, quality, snapshot) and the device
 * (file picker, drag and drop, paste). The chosen photo keeps its original bytes and its SHA-256 and
 * is shown as the preview; {@link currentPhoto} returns it.
 */
import { cameraUnavailable, describeMediaError, listCameras, openCamera, snapshot } from './camera.js';
import { el } from './dom.js';
import { cleanName, MAX_TRANSFER_BYTES } from './framing.js';
import { sha256Hex } from './hash.js';
import { sniffImageType } from './imagetype.js';
import { t } from './strings.js';

const $ = (id) => document.getElementById(id);
let current = null; // the photo to send: {blob, bytes, sha256, name, type, size, url}
let stream = null;

/** The photo chosen last, or null. */
export function currentPhoto() {
  return current;
}

/** Shows {@code text} in a message element, or hides it when empty. */
export function show(element, text, info = false) {
  element.textContent = text;
  element.classList.toggle('info', info);
  element.hidden = !text;
}

let otherFiles = () => {};
let cameraWanted = true;

/**
 * Wires the camera and the device pickers into the page; {@code onOtherFiles(files)} takes files
 * dropped on the page that are not images (they go to the Files section).
 */
export function setUpPhotoSources({ onOtherFiles = () => {} } = {}) {
  otherFiles = onOtherFiles;
  setUpCamera();
  setUpPicking();
}

/** Turns the camera off (a room that cannot be joined shows no live camera). */
export function stopCamera() {
  cameraWanted = false;
  if (stream) {
    stream.getTracks().forEach((t) => t.stop());
    stream = null;
  }
  $('video').srcObject = null;
  $('snap').disabled = true;
}

/** Turns the camera on again after {@link stopCamera}. */
export function resumeCamera() {
  if (!cameraWanted) {
    cameraWanted = true;
    startCamera($('camera-select').value || undefined);
  }
}

// ---- camera ----

async function startCamera(deviceId) {
  const msg = $('camera-message');
  const unavailable = cameraUnavailable();
  if (unavailable) {
    show(msg, unavailable.message);
    msg.dataset.code = unavailable.code;
    $('snap').disabled = true;
    return;
  }
  try {
    if (stream) {
      stream.getTracks().forEach((t) => t.stop());
    }
    const opened = await openCamera(deviceId);
    if (!cameraWanted) {
      opened.getTracks().forEach((t) => t.stop()); // turned off while it was opening
      return;
    }
    stream = opened;
    $('video').srcObject = stream;
    show(msg, '');
    delete msg.dataset.code;
    $('camera-retry').hidden = true;
    $('snap').disabled = false;
    await fillCameraPicker(stream.getVideoTracks()[0]?.getSettings().deviceId);
  } catch (e) {
    const d = describeMediaError(e);
    show(msg, d.message);
    msg.dataset.code = d.code;
    $('camera-retry').hidden = false;
    $('snap').disabled = true;
  }
}

async function fillCameraPicker(activeId) {
  const select = $('camera-select');
  const cameras = await listCameras();
  select.replaceChildren(...cameras.map((c, i) => el('option', { value: c.deviceId }, c.label || t('room.cameraN', { n: i + 1 }))));
  if (activeId) {
    select.value = activeId;
  }
  select.disabled = cameras.length < 2;
}

function setUpCamera() {
  $('camera-select').addEventListener('change', (e) => startCamera(e.target.value));
  $('camera-retry').addEventListener('click', () => startCamera($('camera-select').value || undefined));
  const quality = $('quality');
  quality.addEventListener('input', () => { $('quality-value').value = quality.value; });
  $('snap').addEventListener('click', async () => {
    try {
      const blob = await snapshot($('video'), Number(quality.value));
      await choosePhoto(blob, `photo-${new Date().toISOString().replace(/[:.]/g, '-')}.jpg`);
    } catch (e) {
      show($('send-message'), t('photo.couldNotTake', { message: e.message }));
    }
  });
  startCamera();
}

// ---- picking a photo ----

/** Puts an image (a Blob) in the photo slot, as if it had been chosen. */
export function usePhoto(blob, name) {
  return choosePhoto(blob, name);
}

async function choosePhoto(blob, name) {
  const msg = $('send-message');
  if (blob.size === 0 || blob.size > MAX_TRANSFER_BYTES) {
    show(msg, t(blob.size === 0 ? 'photo.empty' : 'photo.tooLarge'));
    return;
  }
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const type = sniffImageType(bytes) ?? (blob.type.startsWith('image/') ? blob.type : null);
  if (!type) {
    show(msg, t('photo.notImage'));
    return;
  }
  const sha256 = await sha256Hex(bytes);
  if (current) {
    URL.revokeObjectURL(current.url);
  }
  const typed = blob.type === type ? blob : new Blob([bytes], { type });
  current = { blob: typed, bytes, sha256, name: cleanName(name), type, size: bytes.byteLength, url: URL.createObjectURL(typed) };
  const img = $('photo-preview');
  img.src = current.url;
  img.alt = t('photo.alt', { name: current.name });
  img.dataset.sha256 = sha256;
  img.hidden = false;
  $('photo-caption').textContent = t('photo.caption', { name: current.name, kb: (current.size / 1024).toFixed(1), hash: sha256.slice(0, 12) });
  $('send-photo').disabled = false;
  show(msg, '');
}

function setUpPicking() {
  $('file-input').addEventListener('change', (e) => {
    const f = e.target.files[0];
    if (f) {
      choosePhoto(f, f.name);
    }
    e.target.value = '';
  });
  const zone = $('drop-zone');
  document.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
  document.addEventListener('dragleave', () => zone.classList.remove('over'));
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    const files = [...(e.dataTransfer?.files ?? [])];
    const f = files.find((x) => x.type.startsWith('image/'));
    if (f && files.length === 1) {
      choosePhoto(f, f.name);
    } else if (files.length > 0) {
      otherFiles(files); // not one image: any kind of file goes to everyone through Files
    }
  });
  document.addEventListener('paste', (e) => {
    const f = [...(e.clipboardData?.files ?? [])].find((x) => x.type.startsWith('image/'));
    if (f) {
      e.preventDefault();
      choosePhoto(f, f.name || 'pasted-image');
    }
  });
  zone.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      $('file-input').click();
    }
  });
}
