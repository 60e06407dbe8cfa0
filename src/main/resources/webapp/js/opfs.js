/**
 * Where received files go: a sink for TransferLink (js/transfer.js) backed by js/file-worker.js, which
 * writes to the Origin Private File System and hashes incrementally. Also the storage check done
 * before a file is accepted.
 */

/** A sink writing to OPFS file {@code name} in a Worker; finish() resolves to the SHA-256 (hex). */
export function opfsSink(name) {
  const worker = new Worker(new URL('./file-worker.js', import.meta.url), { type: 'module' });
  let finishing = null;
  let failure = null;
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
    abort() {
      worker.postMessage({ op: 'abort' });
      finishing?.reject(new Error('aborted'));
      finishing = null;
    },
    /** The stored file (disk-backed: not a copy in memory), after finish(). */
    async file() {
      const root = await navigator.storage.getDirectory();
      const dir = await root.getDirectoryHandle('incoming');
      return (await dir.getFileHandle(name)).getFile();
    },
  };
  worker.onmessage = (e) => {
    const m = e.data;
    if (m.op === 'written') {
      sink.onWritten(m.bytes);
    } else if (m.op === 'done') {
      worker.terminate();
      finishing?.resolve(m.sha256);
      finishing = null;
    } else if (m.op === 'error') {
      failure = new Error(m.message);
      finishing?.reject(failure);
      finishing = null;
      sink.onError(failure);
    }
  };
  worker.postMessage({ op: 'open', name });
  return sink;
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
