/**
 * A person's name wherever the room shows it (member rows, call tiles, file rows): one element per
 * place, tagged with the peer's id. Each part renames its own places when the member is renamed
 * (js/members.js, MEMBER.RENAMED).
 */
import { el } from './dom.js';

const NAME = /[\u0000-\u001f\u007f]/g;

/** A name as the page shows it: no control characters, trimmed, at most 64 characters; '' if none. */
export function cleanPersonName(name) {
  return typeof name === 'string' ? name.replace(NAME, '').trim().slice(0, 64) : '';
}

/** The element showing peer {@code peerId}'s name (data-testid "peer-name"). */
export function nameTag(peerId, name, className = 'peer-name') {
  return el('span', { className, 'data-testid': 'peer-name', dataset: { peer: peerId } }, name);
}
