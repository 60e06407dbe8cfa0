/**
 * The server's HTTP API as the web app uses it: ICE servers, photo upload (with upload progress and
 * retries), the room's photo list, and media downloads with progress.
 */

const ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * The room token the page was opened with (`?token=`, where the server requires tokens), or null. It
 * goes to the signaling handshake and to GET /api/ice-servers, which hands TURN credentials only to
 * token holders.
 */
export function pageToken() {
  const t = new URLSearchParams(location.search).get('token');
  return t && t.length <= 4096 ? t : null;
}

/** RTCConfiguration from GET /api/ice-servers; no ICE servers when that fails or does not exist. */
export async function rtcConfiguration(relayOnly) {
  let iceServers = [];
  try {
    const token = pageToken();
    const res = await fetch('/api/ice-servers', {
      cache: 'no-store',
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    });
    if (res.ok) {
      const body = await res.json();
      if (Array.isArray(body.iceServers)) {
        iceServers = body.iceServers;
      }
    }
  } catch (e) {
    // no endpoint, or the server is unreachable: host candidates only
  }
  const config = { iceServers };
  if (relayOnly) {
    config.iceTransportPolicy = 'relay';
  }
  return config;
}

/** An HTTP failure; {@code retryable} for network errors, 408, 429 and 5xx. */
export class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.retryable = status === 0 || status === 408 || status === 429 || status >= 500;
  }
}

/**
 * POST /api/rooms/{room}/photos with the photo as the body. Returns {promise, abort}; the promise
 * resolves to the stored media record and {@code onProgress(loaded, total)} follows the upload.
 */
export function uploadPhoto(room, blob, sha256, onProgress) {
  const xhr = new XMLHttpRequest();
  const promise = new Promise((resolve, reject) => {
    xhr.open('POST', `/api/rooms/${encodeURIComponent(room)}/photos`);
    xhr.setRequestHeader('Content-Type', blob.type || 'application/octet-stream');
    if (sha256) {
      xhr.setRequestHeader('X-Content-SHA256', sha256);
    }
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => onProgress?.(e.loaded, e.lengthComputable ? e.total : blob.size);
    xhr.onload = () => {
      if (xhr.status === 201 || xhr.status === 200) {
        resolve(xhr.response);
      } else {
        reject(new HttpError(xhr.status, errorText(xhr)));
      }
    };
    xhr.onerror = () => reject(new HttpError(0, 'network error'));
    xhr.onabort = () => reject(new HttpError(-1, 'aborted'));
    xhr.send(blob);
  });
  return { promise, abort: () => xhr.abort() };
}

/** Uploads with up to {@code attempts} tries, waiting 0.5 s, 1 s, 2 s... between retryable failures. */
export async function uploadWithRetry(room, blob, sha256, { attempts = 3, onProgress, onAttempt } = {}) {
  let last;
  for (let i = 1; i <= attempts; i++) {
    onAttempt?.(i);
    try {
      return await uploadPhoto(room, blob, sha256, onProgress).promise;
    } catch (e) {
      last = e;
      if (!(e instanceof HttpError) || !e.retryable || i === attempts) {
        throw e;
      }
      await new Promise((r) => setTimeout(r, 500 * 2 ** (i - 1)));
    }
  }
  throw last;
}

/** The room's saved photos, newest first (GET /api/rooms/{room}/photos). */
export async function listPhotos(room) {
  const res = await fetch(`/api/rooms/${encodeURIComponent(room)}/photos`, { cache: 'no-store' });
  if (!res.ok) {
    throw new HttpError(res.status, `listing photos failed (${res.status})`);
  }
  const body = await res.json();
  const items = Array.isArray(body) ? body : (body.items ?? body.photos ?? []);
  return items.filter(isMedia);
}

/** The room's photos and recordings, newest first, each with its kind (GET /api/rooms/{room}/media). */
export async function listMedia(room) {
  const res = await fetch(`/api/rooms/${encodeURIComponent(room)}/media`, { cache: 'no-store' });
  if (res.status === 404) {
    return listPhotos(room); // a server without recordings
  }
  if (!res.ok) {
    throw new HttpError(res.status, `listing media failed (${res.status})`);
  }
  const body = await res.json();
  return (Array.isArray(body) ? body : []).filter(isMedia);
}

/** True for a media record with a usable id. */
export function isMedia(m) {
  return m !== null && typeof m === 'object' && typeof m.id === 'string' && ID.test(m.id);
}

/** Where a media record's bytes and thumbnail are; built from the id, never taken from a message. */
export function mediaUrl(id) {
  return `/api/media/${encodeURIComponent(id)}`;
}

export function thumbnailUrl(id) {
  return `${mediaUrl(id)}/thumbnail`;
}

/** GET a media file as an ArrayBuffer, reporting progress. */
export function downloadMedia(id, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('GET', mediaUrl(id));
    xhr.responseType = 'arraybuffer';
    xhr.onprogress = (e) => onProgress?.(e.loaded, e.lengthComputable ? e.total : 0);
    xhr.onload = () => (xhr.status === 200 ? resolve({ bytes: xhr.response, type: xhr.getResponseHeader('Content-Type') })
      : reject(new HttpError(xhr.status, errorText(xhr))));
    xhr.onerror = () => reject(new HttpError(0, 'network error'));
    xhr.send();
  });
}

function errorText(xhr) {
  const body = xhr.response;
  if (body && typeof body === 'object' && typeof body.message === 'string') {
    return `${xhr.status}: ${body.message}`;
  }
  return `HTTP ${xhr.status}`;
}
