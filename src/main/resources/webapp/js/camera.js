/**
 * Camera preview and snapshots (W3C Media Capture and Streams: getUserMedia, enumerateDevices), with
 * a plain-language message for each way it can fail.
 */
import { t } from './strings.js';

/** Why the camera cannot even be asked for, or null when it can. */
export function cameraUnavailable(win = window) {
  if (!win.isSecureContext) {
    return {
      code: 'insecure',
      message: t('camera.insecure'),
    };
  }
  if (!win.navigator.mediaDevices || !win.navigator.mediaDevices.getUserMedia) {
    return {
      code: 'unsupported',
      message: t('camera.unsupported'),
    };
  }
  return null;
}

/** A {code, message} for an error from getUserMedia (a DOMException name decides). */
export function describeMediaError(err) {
  const name = err && err.name;
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return {
        code: 'denied',
        message: t('camera.denied'),
      };
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return {
        code: 'no-camera',
        message: t('camera.none'),
      };
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return {
        code: 'busy',
        message: t('camera.busy'),
      };
    default:
      return {
        code: 'error',
        message: t('camera.error', { name: name || t('camera.unknownError') }),
      };
  }
}

/** Opens a camera (a given deviceId, or any); resolves to the MediaStream. */
export function openCamera(deviceId) {
  const video = deviceId ? { deviceId: { exact: deviceId } } : true;
  return navigator.mediaDevices.getUserMedia({ video, audio: false });
}

/** The video inputs, once permission is granted (labels are empty before). */
export async function listCameras() {
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices.filter((d) => d.kind === 'videoinput');
}

/** A JPEG snapshot of the video element's current frame at the given quality (0..1). */
export function snapshot(video, quality) {
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  if (canvas.width === 0 || canvas.height === 0) {
    return Promise.reject(new Error('the camera has not delivered a picture yet'));
  }
  canvas.getContext('2d').drawImage(video, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('could not encode the photo'))),
      'image/jpeg', quality);
  });
}
