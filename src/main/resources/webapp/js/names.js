/**
 * A person's name wherever the room shows it (member rows, call tiles, file rows): one element per
 * place, tagged with the peer's id, so a rename reaches every place at once.
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

/** Shows {@code name} in every place that names peer {@code peerId}. */
export function renameEverywhere(peerId, name) {
  for (const e of document.querySelectorAll(`[data-testid=peer-name][data-peer="${CSS.escape(peerId)}"]`)) {
    e.textContent = name;
  }
}
