/**
 * The server path for files, used when a peer's data channels do not open (docs/media-api.md,
 * "Files"): the sender uploads the file once to POST /api/rooms/{room}/files (the browser streams the
 * File from disk; it is never read into the page), the peer downloads /api/media/{id} as a stream into
 * an OPFS sink (js/opfs.js), which hashes it on the way, so neither end holds the file in memory.
 */
import { HttpError, mediaUrl } from './api.js';

/** The peer downloading stays at most this many bytes ahead of what its worker has written. */
const WINDOW = 16 * 1024 * 1024;

/** How often an upload is tried, and the first wait between tries (doubled each time). */
const UPLOAD_ATTEMPTS = 3;
const RETRY_MS = 1000;
/** How often a download that breaks is continued (with a Range request from the bytes held). */
const DOWNLOAD_ATTEMPTS = 4;

/**
 * Uploads {@code file}; resolves to the stored media record ({id, sha256, size, ...}). Network errors,
 * 408, 429 and 5xx are retried (the request starts again: the server keeps nothing of a broken one).
 */
export async function uploadFile(room, file, sha256, onProgress) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await uploadOnce(room, file, sha256, onProgress);
    } catch (e) {
      if (!(e instanceof HttpError) || !e.retryable || attempt >= UPLOAD_ATTEMPTS) {
        throw e;
      }
      onProgress?.(0);
      await new Promise((r) => setTimeout(r, RETRY_MS * 2 ** (attempt - 1)));
    }
  }
}

function uploadOnce(room, file, sha256, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/rooms/${encodeURIComponent(room)}/files`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('X-Content-SHA256', sha256);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => onProgress?.(e.loaded);
    xhr.onload = () => {
      const body = xhr.response;
      if ((xhr.status === 201 || xhr.status === 200) && body?.sha256 === sha256) {
        resolve(body);
      } else {
        reject(new HttpError(xhr.status, body && typeof body.message === 'string'
          ? `${xhr.status}: ${body.message}` : `HTTP ${xhr.status}`));
      }
    };
    xhr.onerror = () => reject(new HttpError(0, 'network error'));
    xhr.send(file);
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
      throw new HttpError(res.status, `download failed (HTTP ${res.status})`);
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
