/**
 * The server path for files, used when a peer's data channels do not open (docs/media-api.md,
 * "Files"): the sender uploads the file once, resumably, in parts read from disk with Blob.slice (never
 * whole in the page), the peer downloads /api/media/{id} as a stream into
 * an OPFS sink (js/opfs.js), which hashes it on the way, so neither end holds the file in memory.
 */
import { HttpError, mediaUrl } from './api.js';
import { t } from './strings.js';
import { ERROR_CODE } from './events.js';

/** The peer downloading stays at most this many bytes ahead of what its worker has written. */
const WINDOW = 16 * 1024 * 1024;

/** Failed parts in a row before an upload gives up, and the first wait between tries (doubled each time). */
const UPLOAD_ATTEMPTS = 4;
const RETRY_MS = 1000;
/** The upload is sent in parts of this size, each its own request (Blob.slice: read from disk). */
const PART_BYTES = 8 * 1024 * 1024;
/** How often a download that breaks is continued (with a Range request from the bytes held). */
const DOWNLOAD_ATTEMPTS = 4;
const SESSION_URL = /^\/api\/file-uploads\/[A-Za-z0-9_-]{1,64}$/;

/**
 * Uploads {@code file} as a resumable upload (POST /api/rooms/{room}/file-uploads, parts appended by
 * offset, finished with the SHA-256); resolves to the stored media record ({id, sha256, size, ...}).
 * A part that fails (network, 408, 429, 5xx, or the server busy with a part cut off) is followed by
 * asking the server for its offset and continuing from there.
 */
export async function uploadFile(room, file, sha256, onProgress) {
  const session = await request('POST', `/api/rooms/${encodeURIComponent(room)}/file-uploads`, null,
    { 'Upload-Length': String(file.size) });
  if (!SESSION_URL.test(session?.url ?? '')) {
    throw new HttpError(500, t('fallback.noUploadAddress'));
  }
  let offset = 0;
  let failures = 0;
  while (offset < file.size) {
    const at = offset;
    try {
      const res = await request('PUT', `${session.url}?offset=${at}`,
        file.slice(at, Math.min(file.size, at + PART_BYTES)), {}, (n) => onProgress?.(at + n));
      if (!Number.isSafeInteger(res?.offset)) {
        throw new HttpError(500, t('fallback.noOffset'));
      }
      offset = res.offset;
      failures = 0;
    } catch (e) {
      if (e.status === 409 && e.body?.error === ERROR_CODE.OFFSET_MISMATCH && Number.isSafeInteger(e.body.offset)) {
        offset = e.body.offset; // the server holds more (or less) than we thought: go on from there
        continue;
      }
      if (!(e instanceof HttpError) || !(e.retryable || e.status === 409) || ++failures >= UPLOAD_ATTEMPTS) {
        throw e;
      }
      await new Promise((r) => setTimeout(r, RETRY_MS * 2 ** (failures - 1)));
      try {
        offset = (await request('GET', session.url)).offset; // what reached the server's disk
      } catch (r) {
        if (!(r instanceof HttpError) || !r.retryable) {
          throw r; // the upload is gone (404) or refused: starting over is the caller's choice
        }
        // still unreachable (a restarting server): the next attempt asks again
      }
    }
    onProgress?.(offset);
  }
  const media = await request('POST', `${session.url}/finish`, JSON.stringify({ sha256, size: file.size }),
    { 'Content-Type': 'application/json' });
  if (media?.sha256 !== sha256) {
    throw new HttpError(500, t('fallback.storedOther'));
  }
  return media;
}

/** One JSON request with upload progress; rejects with an HttpError carrying the JSON error body. */
function request(method, url, body = null, headers = {}, onProgress = null) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    for (const [k, v] of Object.entries(headers)) {
      xhr.setRequestHeader(k, v);
    }
    xhr.responseType = 'json';
    if (onProgress) {
      xhr.upload.onprogress = (e) => onProgress(e.loaded);
    }
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(xhr.response);
      } else {
        const b = xhr.response;
        const e = new HttpError(xhr.status, b && typeof b.message === 'string' ? `${xhr.status}: ${b.message}` : t('fallback.httpStatus', { status: xhr.status }));
        e.body = b;
        reject(e);
      }
    };
    xhr.onerror = () => reject(new HttpError(0, t('fallback.networkError')));
    xhr.send(body);
  });
}

/**
 * Streams media {@code id} into {@code sink}; resolves to the SHA-256 the sink computed. A download
 * that breaks midway continues from the bytes already handed to the sink (Range request).
 */
export async function downloadToSink(id, sink, signal, onProgress) {
  let written = 0;
  let waiter = null;
  sink.onWritten = (n) => {
    written = n;
    onProgress?.(n);
    if (waiter) {
      waiter();
      waiter = null;
    }
  };
  let failure = null;
  sink.onError = (e) => {
    failure = e;
    if (waiter) {
      waiter();
      waiter = null;
    }
  };
  let sent = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      await readInto(sent);
      return sink.finish();
    } catch (e) {
      if (failure || signal?.aborted || !(e instanceof TypeError || e.retryable) || attempt >= DOWNLOAD_ATTEMPTS) {
        throw failure ?? e;
      }
      await new Promise((r) => setTimeout(r, RETRY_MS * 2 ** (attempt - 1)));
    }
  }

  async function readInto(from) {
    const res = await fetch(mediaUrl(id), {
      signal, cache: 'no-store', headers: from > 0 ? { Range: `bytes=${from}-` } : {},
    });
    if (!(from === 0 ? res.status === 200 : res.status === 206) || !res.body) {
      throw new HttpError(res.status, t('fallback.downloadFailed', { status: res.status }));
    }
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read(); // a broken connection throws a TypeError here
      if (done) {
        return;
      }
      if (failure) {
        reader.cancel();
        throw failure;
      }
      // the chunk's buffer moves to the worker: give it a buffer of its own first if it shares one
      const own = value.byteOffset === 0 && value.byteLength === value.buffer.byteLength ? value : value.slice();
      sent += own.byteLength;
      sink.write(own);
      while (sent - written > WINDOW && !failure) {
        await new Promise((r) => { waiter = r; });
      }
    }
  }
}
