/**
 * Who this page is in a room: the person's display name (kept in localStorage), the page's stable
 * client id (one per tab, held with a Web Lock), and the room header that shows the room's link and
 * lets the person change the name.
 */
import { drawQr } from './invite-qr.js';
import { randomId } from './hash.js';
import { t } from './strings.js';

const $ = (id) => document.getElementById(id);
const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/;

function myName() {
  let name = localStorage.getItem('switchboard.name');
  if (!name) {
    name = `Guest ${randomId(3)}`;
    localStorage.setItem('switchboard.name', name);
  }
  return name;
}

/**
 * This page's stable client id, so peers recognise it when it comes back with a new signaling id: the
 * browser's id from localStorage (kept across reloads and restarts), unless another tab of this browser
 * holds it (a Web Lock per id), then a fresh one; sessionStorage keeps the choice for this tab's reloads.
 * Two tabs never share an id, so their received files (named by it in OPFS) never collide.
 */
export async function myClientId() {
  let id = sessionStorage.getItem('switchboard.client');
  if (CLIENT_ID.test(id ?? '')) {
    holdLock(id, false); // this tab's id before a reload: the lock follows once the old page lets go
    return id;
  }
  const shared = localStorage.getItem('switchboard.client');
  id = CLIENT_ID.test(shared ?? '') ? shared : randomId(12);
  localStorage.setItem('switchboard.client', id);
  if (!(await holdLock(id, true))) {
    id = randomId(12); // another tab uses the browser's id
    holdLock(id, false);
  }
  sessionStorage.setItem('switchboard.client', id);
  return id;
}

/** Holds the Web Lock named after {@code id} for the page's life; resolves false if another page holds it. */
function holdLock(id, ifAvailable) {
  if (!navigator.locks) {
    return Promise.resolve(true);
  }
  return new Promise((resolve) => {
    navigator.locks.request(`switchboard.client.${id}`, { ifAvailable }, (lock) => {
      resolve(lock !== null);
      return lock ? new Promise(() => {}) : undefined; // never released while the page lives
    }).catch(() => resolve(true));
    if (!ifAvailable) {
      resolve(true); // waiting for a lock the previous page of this tab still holds is fine
    }
  });
}

/**
 * The header of room {@code room}: its link with a copy (and, where the browser can, share) button,
 * and the name field; {@code onRename(name)} runs when the person changes the name.
 */
export function setUpHeader(room, onRename = () => {}) {
  const link = `${location.origin}/room/${room}`;
  $('room-link').value = link;
  drawQr($('invite-qr'), link);
  $('copy-link').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(link);
      $('copy-status').textContent = t('room.linkCopied');
    } catch (e) {
      $('room-link').select();
      $('copy-status').textContent = t('room.copyByHand');
    }
  });
  if (typeof navigator.share === 'function') {
    $('share-link').hidden = false;
    $('share-link').addEventListener('click', () => navigator.share({ url: link, title: document.title }).catch(() => {}));
  }
  const nameInput = $('my-name');
  nameInput.value = myName();
  nameInput.addEventListener('change', () => {
    const n = nameInput.value.trim().slice(0, 64);
    if (n) {
      localStorage.setItem('switchboard.name', n);
      nameInput.value = n;
      onRename(n);
    }
  });
}
