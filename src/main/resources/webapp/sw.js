/*
 * The service worker (W3C Service Workers; scope "/"): keeps the app shell (pages, styles, modules,
 * the Socket.IO bundle, icons) in a cache named after the shell's version, so the app opens without
 * a network, and receives files shared to the installed app (Web Share Target, POST /share-target).
 *
 * The server writes SHELL below when it serves this file: the list of shell files and a version
 * that is a hash of their bytes, so every deploy that changes a shell file changes this script, the
 * browser installs the new worker, and activation deletes the old caches.
 * API calls, Socket.IO traffic and media never come from the cache.
 */
const SHELL = /* @shell */ { version: 'unversioned', files: [] };
const PREFIX = 'switchboard-shell-';
const CACHE = PREFIX + SHELL.version;
/** Shared files wait here until the share page takes them to a room (js/shared-inbox.js reads them). */
const DB_NAME = 'switchboard-share';
const STORE = 'shares';
const SHARE_TTL_MS = 24 * 60 * 60 * 1000;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE)
    .then((cache) => cache.addAll(SHELL.files.map((f) => new Request(f, { cache: 'reload' }))))
    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== CACHE).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

/** Paths that always go to the network: the API, signaling, media, operations. */
function networkOnly(path) {
  return path.startsWith('/api/') || path.startsWith('/media/') || path === '/healthz' || path === '/readyz'
    || path === '/metrics' || (path.startsWith('/socket.io/') && !SHELL.files.includes(path));
}

/** The shell file a page navigation shows, as the server maps it. */
function pageFor(path) {
  if (path === '/') {
    return '/index.html';
  }
  return path.startsWith('/room/') ? '/room.html' : path;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.method === 'POST' && url.pathname === '/share-target') {
    event.respondWith(receiveShare(request));
    return;
  }
  if (request.method !== 'GET' || networkOnly(url.pathname)) {
    return;
  }
  const path = request.mode === 'navigate' ? pageFor(url.pathname) : url.pathname;
  if (!SHELL.files.includes(path)) {
    return;
  }
  event.respondWith(caches.open(CACHE).then(async (cache) => {
    const hit = await cache.match(path);
    if (hit) {
      return hit;
    }
    const res = await fetch(request);
    if (res.ok && request.mode !== 'navigate') {
      cache.put(path, res.clone());
    }
    return res;
  }));
});

// ---- Web Share Target ----

function openDb() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DB_NAME, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: 'id' });
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

function randomId() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function text(form, name) {
  const v = form.get(name);
  return typeof v === 'string' ? v.slice(0, 2000) : '';
}

/** Keeps the shared files and text in IndexedDB, then sends the browser to the page that picks a room. */
async function receiveShare(request) {
  let id = '';
  try {
    const form = await request.formData();
    const files = form.getAll('files').filter((f) => typeof f === 'object' && typeof f.size === 'number');
    id = randomId();
    const db = await openDb();
    await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, 'readwrite');
      const store = tx.objectStore(STORE);
      const cursor = store.openCursor();
      cursor.onsuccess = () => { // shares nobody took to a room within a day are dropped
        const c = cursor.result;
        if (c) {
          if (!(Date.now() - c.value.at < SHARE_TTL_MS)) {
            c.delete();
          }
          c.continue();
        }
      };
      store.put({
        id, at: Date.now(), title: text(form, 'title'), text: text(form, 'text'), url: text(form, 'url'), files,
      });
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  } catch (e) {
    id = '';
  }
  return Response.redirect(`/share.html${id ? `?id=${id}` : ''}`, 303);
}
