/**
 * Dedicated Worker that writes one received file to the Origin Private File System (WHATWG File
 * System, "origin private file system") and hashes it as it goes (js/sha256.js), so the page never
 * holds the file. Uses a synchronous access handle where the browser has one, else a writable stream.
 *
 * Resumable (sync access handle only): after every write it rewrites a small record beside the file,
 * `{name}.rec` = {v, meta (who sent what), bytes written, the SHA-256 state at that offset, updated},
 * always after the bytes it describes, so a page that dies at any point leaves a file at least as long
 * as its record says. Opening with {from, state} continues such a file: it is cut back to {@code from}
 * and hashing continues from the saved state.
 *
 * Messages in: {op:"open", name, from?, state?, meta?}, {op:"write", buffer, offset, length},
 * {op:"finish"}, {op:"abort"} (deletes file and record), {op:"suspend"} (keeps both, closes).
 * Messages out: {op:"opened", from}, {op:"written", bytes}, {op:"done", sha256, size},
 * {op:"suspended"}, {op:"error", message}.
 */
import { Sha256 } from './sha256.js';

const DIR = 'incoming';
const OPEN_TRIES = 30; // a handle released by a worker of the same file may take a moment to close
let dir = null;
let name = null;
let access = null; // FileSystemSyncAccessHandle
let record = null; // FileSystemSyncAccessHandle of the record, when resumable
let writable = null; // FileSystemWritableFileStream (fallback, not resumable)
let meta = null;
let sha = new Sha256();
let at = 0;
let queue = Promise.resolve();
let failed = false;
const encoder = new TextEncoder();

async function syncHandle(file) {
  for (let i = 1; ; i++) {
    try {
      return await file.createSyncAccessHandle();
    } catch (e) {
      if (e?.name !== 'NoModificationAllowedError' || i >= OPEN_TRIES) {
        throw e;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function saveRecord() {
  if (!record) {
    return;
  }
  const json = JSON.stringify({ v: 1, meta, bytes: at, state: sha.exportState(), updated: Date.now() });
  // one write of at least the record's current length, padded with spaces (valid JSON whitespace), so
  // a page closed at any moment leaves either the old record or the new one, never a cut mix
  const encoded = encoder.encode(json);
  const bytes = new Uint8Array(Math.max(encoded.byteLength, record.getSize())).fill(0x20);
  bytes.set(encoded);
  record.write(bytes, { at: 0 });
}

async function open(m) {
  const root = await navigator.storage.getDirectory();
  dir = await root.getDirectoryHandle(DIR, { create: true });
  name = m.name;
  meta = m.meta ?? null;
  const from = Number.isSafeInteger(m.from) && m.from > 0 ? m.from : 0;
  const file = await dir.getFileHandle(name, { create: true });
  if (typeof file.createSyncAccessHandle === 'function') {
    access = await syncHandle(file);
    if (from > 0) {
      if (access.getSize() < from) {
        throw new Error(`the partial file has ${access.getSize()} bytes, its record says ${from}`);
      }
      sha = Sha256.importState(m.state);
      if (sha.length !== from) {
        throw new Error('the partial file record does not match its hash state');
      }
    }
    access.truncate(from);
    at = from;
    if (meta) {
      record = await syncHandle(await dir.getFileHandle(`${name}.rec`, { create: true }));
      saveRecord();
    }
  } else {
    if (from > 0) {
      throw new Error('this browser cannot continue a partial file');
    }
    writable = await file.createWritable();
  }
  postMessage({ op: 'opened', from: at });
}

function closeHandles() {
  for (const h of [access, record]) {
    try {
      h?.flush();
      h?.close();
    } catch (e) {
      // already closed
    }
  }
  access = null;
  record = null;
}

async function handle(m) {
  if (failed && m.op !== 'abort' && m.op !== 'suspend') {
    return;
  }
  switch (m.op) {
    case 'open':
      await open(m);
      break;
    case 'write': {
      const bytes = new Uint8Array(m.buffer, m.offset, m.length);
      if (access) {
        let done = 0;
        while (done < bytes.byteLength) {
          done += access.write(bytes.subarray(done), { at: at + done });
        }
      } else {
        await writable.write({ type: 'write', position: at, data: bytes });
      }
      sha.update(bytes);
      at += bytes.byteLength;
      saveRecord();
      postMessage({ op: 'written', bytes: at });
      break;
    }
    case 'finish': {
      if (access) {
        closeHandles();
        await dir.removeEntry(`${name}.rec`).catch(() => {});
      } else {
        await writable.close();
        writable = null;
      }
      postMessage({ op: 'done', sha256: sha.hex(), size: at });
      break;
    }
    case 'suspend':
      closeHandles();
      postMessage({ op: 'suspended' });
      close();
      break;
    case 'abort': {
      closeHandles();
      try {
        await writable?.abort();
      } catch (e) {
        // already closed
      }
      writable = null;
      if (dir && name) {
        await dir.removeEntry(name).catch(() => {});
        await dir.removeEntry(`${name}.rec`).catch(() => {});
      }
      postMessage({ op: 'aborted' });
      close();
      break;
    }
    default:
      break;
  }
}

self.onmessage = (e) => {
  queue = queue.then(() => handle(e.data)).catch((err) => {
    failed = true;
    postMessage({ op: 'error', message: err?.message ?? String(err) });
  });
};
