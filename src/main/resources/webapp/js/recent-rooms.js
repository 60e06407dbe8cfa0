/** The rooms this browser joined lately (localStorage), newest first: the share page offers them. */
const KEY = 'switchboard.rooms';
const KEEP = 8;
const ROOM = /^[A-Za-z0-9_-]{1,64}$/;

/** Recent rooms: [{room, at}], newest first; bad entries are skipped. */
export function recentRooms() {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(list) ? list.filter((r) => r && ROOM.test(r.room) && Number.isFinite(r.at)).slice(0, KEEP) : [];
  } catch (e) {
    return [];
  }
}

/** Puts {@code room} first in the list. */
export function rememberRoom(room) {
  if (!ROOM.test(room)) {
    return;
  }
  const list = [{ room, at: Date.now() }, ...recentRooms().filter((r) => r.room !== room)].slice(0, KEEP);
  try {
    localStorage.setItem(KEY, JSON.stringify(list));
  } catch (e) {
    // storage full or off: nothing to remember
  }
}
