/**
 * The server path for files, used when a peer's data channels do not open (docs/media-api.md,
 * "Files"): the sender uploads the file once to POST /api/rooms/{room}/files (the browser streams the
 * File from disk; it is never read into the page), the peer downloads /api/media/{id} as a stream into
 * an OPFS sink (js/opfs.js), which hashes it on the way, so neither end holds the file in memory.
 */
import { HttpError, mediaUrl } from './api.js';

/** The peer downloading stays at most this many bytes ahead of what its worker has written. */
const WINDOW = 16 * 1024 * 1024;

/** Uploads {@code file}; resolves to the stored media record ({id, sha256, size, ...}). */
export function uploadFile(room, file, sha256, onProgress) {
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

/** Streams media {@code id} into {@code sink}; resolves to the SHA-256 the sink computed. */
export async function downloadToSink(id, sink, signal, onProgress) {
  const res = await fetch(mediaUrl(id), { signal, cache: 'no-store' });
  if (!res.ok || !res.body) {
    throw new HttpError(res.status, `download failed (HTTP ${res.status})`);
  }
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
  const reader = res.body.getReader();
  let sent = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
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
  return sink.finish();
}
