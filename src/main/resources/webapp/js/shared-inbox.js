/**
 * Files shared to the installed app (Web Share Target): the service worker (sw.js) keeps each share
 * in IndexedDB as {id, at, title, text, url, files: [File]}; the share page and the room page read
 * it here. The database name, store and shape are the service worker's; keep both in step.
 */
const DB_NAME = 'switchboard-share';
const STORE = 'shares';
const ID = /^[A-Za-z0-9_-]{1,64}$/;

function openDb() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DB_NAME, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: 'id' });
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

async function run(mode, work) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request?.result);
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** The share named {@code id}, or null; files that are not Blobs are dropped. */
export async function loadShare(id) {
  if (typeof id !== 'string' || !ID.test(id)) {
    return null;
  }
  const share = await run('readonly', (store) => store.get(id));
  if (!share || typeof share !== 'object') {
    return null;
  }
  const str = (v) => (typeof v === 'string' ? v : '');
  return {
    id, title: str(share.title), text: str(share.text), url: str(share.url),
    files: Array.isArray(share.files) ? share.files.filter((f) => f instanceof Blob) : [],
  };
}

/**
 * Moves a share the server kept (POST /share-target answered by the server because no service worker
 * was installed: /share.html?inbox=ID) into this browser's inbox, in the worker's shape, then deletes
 * it on the server. Resolves to the local share id, or null when the server has no such share.
 */
export async function takeServerShare(inboxId, fetchFn = (...a) => fetch(...a)) {
  if (typeof inboxId !== 'string' || !ID.test(inboxId)) {
    return null;
  }
  const base = `/api/share-inbox/${encodeURIComponent(inboxId)}`;
  const res = await fetchFn(base, { cache: 'no-store' });
  if (!res.ok) {
    return null;
  }
  const share = await res.json();
  const files = [];
  for (const f of Array.isArray(share.files) ? share.files : []) {
    const got = await fetchFn(String(f.url), { cache: 'no-store' });
    if (!got.ok) {
      throw new Error(`shared file ${f.name}: ${got.status}`);
    }
    const blob = await got.blob();
    files.push(new File([blob], String(f.name ?? 'file'), { type: String(f.type ?? '') }));
  }
  const str = (v) => (typeof v === 'string' ? v.slice(0, 2000) : '');
  await run('readwrite', (store) => store.put({
    id: inboxId, at: Date.now(), title: str(share.title), text: str(share.text), url: str(share.url), files,
  }));
  await fetchFn(base, { method: 'DELETE' }).catch(() => {}); // expires on its own otherwise
  return inboxId;
}

/** Forgets a share once its files are in a room. */
export function deleteShare(id) {
  return ID.test(id ?? '') ? run('readwrite', (store) => store.delete(id)) : Promise.resolve();
}
