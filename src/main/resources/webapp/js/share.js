/**
 * The share page (/share.html?id=…): after something was shared to the installed app, lists the
 * shared files and lets the person pick one of the recent rooms of this browser, or a new room.
 * The room page then takes the files from the share inbox (js/shared-inbox.js). A share the server
 * kept (?inbox=ID, no service worker at the time) is first moved into the browser's inbox.
 */
import { el, formatBytes } from './dom.js';
import { randomId } from './hash.js';
import { setUpApp } from './pwa.js';
import { fillPage } from './i18n.js';
import { recentRooms } from './recent-rooms.js';
import { loadShare, takeServerShare } from './shared-inbox.js';
import { t } from './strings.js';

const $ = (id) => document.getElementById(id);

async function main() {
  fillPage();
  setUpApp();
  document.title = t('share.title');
  for (const [id, key] of [['share-title', 'share.title'], ['share-files-title', 'share.files'],
    ['recent-title', 'share.recent'], ['no-recent', 'share.noRecent'], ['share-new-room', 'share.newRoom']]) {
    $(id).textContent = t(key); // the page's static text is the same English, for the first paint
  }
  const params = new URLSearchParams(location.search);
  let id = params.get('id') ?? '';
  let share = null;
  try {
    if (params.get('inbox')) { // shared while no service worker ran: the server kept the files
      id = (await takeServerShare(params.get('inbox'))) ?? '';
      if (id) {
        history.replaceState(null, '', `/share.html?id=${encodeURIComponent(id)}`);
      }
    }
    share = await loadShare(id);
  } catch (e) {
    share = null;
  }
  const list = $('shared-files');
  if (!share) {
    $('share-status').textContent = t('share.none');
    return;
  }
  list.replaceChildren(...share.files.map((f) => el('li', { 'data-testid': 'shared-file' },
    t('share.fileInfo', { name: f.name ?? '', size: formatBytes(f.size) }))));
  if (share.text || share.url || share.title) {
    list.append(el('li', { className: 'hint' }, [share.title, share.text, share.url].filter(Boolean).join(' · ')));
  }
  const target = (room) => `/room/${encodeURIComponent(room)}?shared=${encodeURIComponent(id)}`;
  const rooms = recentRooms();
  $('recent-rooms').replaceChildren(...rooms.map((r) => el('li', {},
    el('a', { href: target(r.room), className: 'button', 'data-testid': 'recent-room', dataset: { room: r.room } },
      t('share.roomLabel', { room: r.room })))));
  $('no-recent').hidden = rooms.length > 0;
  $('share-new-room').href = target(randomId(16));
  $('share-status').textContent = t('share.pick');
}

main();
