/**
 * Where received files go: a sink for TransferLink (js/transfer.js) backed by js/file-worker.js, which
 * writes to the Origin Private File System (WHATWG File System) and hashes incrementally; the resume
 * records kept beside partial files (read, delete, sweep after a day); and the storage check done
 * before a file is accepted.
 */

const DIR = 'incoming';
/** name -> promise of a sink's worker letting go of the file (suspend or abort in progress). */
const closing = new Map();
/** Partial files (and stored files) older than this are removed when a room page opens. */
export const PARTIAL_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * A sink writing to OPFS file {@code name} in a Worker; finish() resolves to the SHA-256 (hex).
 * With {@code meta} (JSON-safe: who sent which file) the worker keeps a resume record beside the file;
 * {@code from} and {@code state} (from that record) continue a partial file instead of starting anew.
 */
export function opfsSink(name, { from = 0, state = null, meta = null } = {}) {
  const worker = new Worker(new URL('./file-worker.js', import.meta.url), { type: 'module' });
  let finishing = null;
  let failure = null;
  let ended = null; // resolves once the worker has suspended or aborted (and is gone)
  let endDone = () => {};
  const sink = {
    name,
    onWritten: () => {},
    onError: () => {},
    write(bytes) {
      // the chunk's buffer moves to the worker (no copy); the view keeps its offset and length
      worker.postMessage({ op: 'write', buffer: bytes.buffer, offset: bytes.byteOffset, length: bytes.byteLength },
        [bytes.buffer]);
    },
    finish() {
      if (failure) {
        return Promise.reject(failure);
      }
      return new Promise((resolve, reject) => {
        finishing = { resolve, reject };
        worker.postMessage({ op: 'finish' });
      });
    },
    /** Stops for good and deletes the file and its record; resolves once they are gone. */
    abort() {
      return end('abort');
    },
    /**
     * Stops but keeps the partial file and its record, so the transfer can resume later; a sink
     * without a record (no {@code meta}) could never resume, so its file is deleted instead.
     */
    suspend() {
      return end(meta ? 'suspend' : 'abort');
    },
    /** The stored file (disk-backed: not a copy in memory), after finish(). */
    async file() {
      const root = await navigator.storage.getDirectory();
      const dir = await root.getDirectoryHandle(DIR);
      return (await dir.getFileHandle(name)).getFile();
    },
  };
  function end(op) {
    if (!ended) {
      ended = new Promise((resolve) => { endDone = resolve; });
      closing.set(name, ended);
      ended.then(() => closing.get(name) === ended && closing.delete(name));
      worker.postMessage({ op });
      finishing?.reject(new Error(op === 'abort' ? 'aborted' : 'suspended'));
      finishing = null;
      setTimeout(() => { worker.terminate(); endDone(); }, 5000); // a worker stuck on the disk
    }
    return ended;
  }
  worker.onmessage = (e) => {
    const m = e.data;
    if (m.op === 'written') {
      sink.onWritten(m.bytes);
    } else if (m.op === 'done') {
      worker.terminate();
      finishing?.resolve(m.sha256);
      finishing = null;
    } else if (m.op === 'aborted' || m.op === 'suspended') {
      worker.terminate();
      endDone();
    } else if (m.op === 'error') {
      failure = new Error(m.message);
      finishing?.reject(failure);
      finishing = null;
      sink.onError(failure);
    }
  };
  worker.postMessage({ op: 'open', name, from, state, meta });
  return sink;
}

/** The OPFS name of a file that {@code receiver} (our client id) gets from {@code sender}: one per pair and content. */
export function partialName(receiver, sender, sha256, size) {
  return `${receiver}-${sender}-${sha256}-${size}`;
}

/**
 * Errors of a file another context holds open (a sync access handle); retried for up to LOCKED_WAIT_MS:
 * the worker of the page before a reload lets go only when that page is torn down, which on a busy
 * machine takes seconds. Giving up early would offer the file again from 0 and ask the user.
 */
const LOCKED = ['NoModificationAllowedError', 'InvalidStateError'];
const LOCKED_WAIT_MS = 30000;

/**
 * The partial file {@code name} and its record ({v, meta, bytes, state, updated}), or null when there
 * is none or it cannot be used (no record, record unreadable, file shorter than the record says).
 */
export async function readPartial(name) {
  await closing.get(name);
  const deadline = performance.now() + LOCKED_WAIT_MS;
  for (;;) {
    try {
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(DIR);
      const record = JSON.parse(await (await (await dir.getFileHandle(`${name}.rec`)).getFile()).text());
      const size = (await (await dir.getFileHandle(name)).getFile()).size;
      if (record?.v !== 1 || !Number.isSafeInteger(record.bytes) || record.bytes > size || !record.meta) {
        return null;
      }
      return record;
    } catch (e) {
      // a worker of the page before a reload may still hold the file open for a moment: wait for it
      if (!LOCKED.includes(e?.name) || performance.now() > deadline) {
        return null;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Deletes a received file and its resume record, if there. */
export async function removeStored(name) {
  await closing.get(name); // a worker letting go of the file first
  try {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(DIR);
    await dir.removeEntry(name).catch(() => {});
    await dir.removeEntry(`${name}.rec`).catch(() => {});
  } catch (e) {
    // no folder: nothing stored
  }
}

/**
 * Removes partial files whose record was last updated more than {@code maxAgeMs} ago, and any other
 * file of the folder not touched for that long (received files are offered for download only by the
 * page that received them). Returns the names removed.
 */
export async function sweepStored(maxAgeMs = PARTIAL_MAX_AGE_MS, now = Date.now()) {
  const removed = [];
  let dir;
  try {
    dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(DIR);
  } catch (e) {
    return removed;
  }
  const names = [];
  for await (const key of dir.keys()) {
    names.push(key);
  }
  for (const n of names.filter((x) => !x.endsWith('.rec'))) {
    let updated;
    try {
      if (names.includes(`${n}.rec`)) {
        updated = JSON.parse(await (await (await dir.getFileHandle(`${n}.rec`)).getFile()).text()).updated;
      }
      updated = Number.isFinite(updated) ? updated : (await (await dir.getFileHandle(n)).getFile()).lastModified;
    } catch (e) {
      updated = 0; // an unreadable record: the partial cannot be resumed anyway
    }
    if (now - updated > maxAgeMs) {
      await removeStored(n);
      removed.push(n);
    }
  }
  for (const r of names.filter((x) => x.endsWith('.rec') && !names.includes(x.slice(0, -4)))) {
    await dir.removeEntry(r).catch(() => {}); // a record whose file is gone
  }
  return removed;
}

/** Null when {@code size} bytes fit in this origin's storage, else the reason they do not. */
export async function storageProblem(size) {
  if (!navigator.storage?.getDirectory) {
    return 'this browser cannot store received files (no Origin Private File System)';
  }
  try {
    const { quota, usage } = await navigator.storage.estimate();
    if (Number.isFinite(quota) && quota - (usage ?? 0) < size) {
      return `not enough storage: ${Math.floor((quota - (usage ?? 0)) / 1048576)} MB free, ${Math.ceil(size / 1048576)} MB needed`;
    }
  } catch (e) {
    // no estimate: try anyway; a write error still fails the transfer cleanly
  }
  return null;
}
