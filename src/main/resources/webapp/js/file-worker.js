/**
 * Dedicated Worker that writes one received file to the Origin Private File System (WHATWG File
 * System, "origin private file system") and hashes it as it goes (js/sha256.js), so the page never
 * holds the file. Uses a synchronous access handle where the browser has one, else a writable stream.
 *
 * Messages in: {op:"open", name}, {op:"write", buffer, offset, length}, {op:"finish"}, {op:"abort"}.
 * Messages out: {op:"written", bytes}, {op:"done", sha256, size}, {op:"error", message}.
 */
import { Sha256 } from './sha256.js';

const DIR = 'incoming';
let dir = null;
let name = null;
let access = null; // FileSystemSyncAccessHandle
let writable = null; // FileSystemWritableFileStream (fallback)
let sha = new Sha256();
let at = 0;
let queue = Promise.resolve();
let failed = false;

async function handle(m) {
  if (failed && m.op !== 'abort') {
    return;
  }
  switch (m.op) {
    case 'open': {
      const root = await navigator.storage.getDirectory();
      dir = await root.getDirectoryHandle(DIR, { create: true });
      name = m.name;
      const file = await dir.getFileHandle(name, { create: true });
      if (typeof file.createSyncAccessHandle === 'function') {
        access = await file.createSyncAccessHandle();
        access.truncate(0);
      } else {
        writable = await file.createWritable();
      }
      break;
    }
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
      postMessage({ op: 'written', bytes: at });
      break;
    }
    case 'finish': {
      if (access) {
        access.flush();
        access.close();
        access = null;
      } else {
        await writable.close();
        writable = null;
      }
      postMessage({ op: 'done', sha256: sha.hex(), size: at });
      break;
    }
    case 'abort': {
      try {
        access?.close();
        await writable?.abort();
      } catch (e) {
        // already closed
      }
      access = null;
      writable = null;
      if (dir && name) {
        await dir.removeEntry(name).catch(() => {});
      }
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
