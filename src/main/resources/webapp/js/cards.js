/**
 * The transfer cards: one card per photo sent (a row per peer and one for the server copy) and one
 * card per photo received. Each shows a progress bar (data-testid "transfer-progress"), the path the
 * photo took and a clear state; nothing is left spinning when a peer goes away.
 */
import { el, formatBytes } from './dom.js';
import { hasString, t } from './strings.js';

/** The words for a transfer state or path, or the name itself where there are none. */
const label = (prefix, name) => (hasString(`${prefix}.${name}`) ? t(`${prefix}.${name}`) : name);

/** A progress bar with its accessible name. */
function progressBar(direction, label, peer) {
  return el('progress', {
    'data-testid': 'transfer-progress', dataset: peer ? { direction, peer } : { direction }, max: 1, value: 0,
    'aria-label': label,
  });
}

/** A row showing one transfer's path, progress and state. */
export class TransferRow {
  constructor({ direction, title, peer, onCancel }) {
    this.progress = progressBar(direction, t('photo.progress', { title }), peer);
    this.path = el('span', { className: 'path', 'data-testid': 'transfer-path' });
    this.status = el('span', { className: 'status', role: 'status' });
    this.cancelButton = onCancel ? el('button', { type: 'button', className: 'small', onclick: onCancel }, t('action.cancel')) : null;
    this.element = el('li', { className: 'row', dataset: peer ? { peer, state: 'waiting' } : { state: 'waiting' } },
      el('span', { className: 'who' }, title), this.path, this.progress, this.status, this.cancelButton);
    this.setState('waiting');
  }

  setPath(path) {
    this.element.dataset.path = path;
    this.path.textContent = label('path', path);
  }

  setProgress(done, total) {
    this.progress.max = Math.max(total, 1);
    this.progress.value = Math.min(done, total);
  }

  setState(state, detail) {
    this.element.dataset.state = state;
    this.status.textContent = label('state', state) + (detail ? `: ${detail}` : '');
    if (this.cancelButton) {
      this.cancelButton.hidden = ['verified', 'failed', 'cancelled', 'saved'].includes(state);
    }
  }
}

/** The card of one photo we send: a thumbnail, one row per peer and the server upload row. */
export class OutgoingCard {
  constructor(photo, objectUrl) {
    this.rows = new Map();
    this.list = el('ul', { className: 'rows' });
    this.upload = new TransferRow({ direction: 'upload', title: t('photo.serverCopy') });
    this.upload.progress.dataset.testid = 'upload-progress';
    this.upload.setPath('server');
    this.retry = el('button', { type: 'button', className: 'small', hidden: true, 'data-testid': 'upload-retry' },
      t('photo.retryUpload'));
    this.upload.element.append(this.retry);
    this.list.append(this.upload.element);
    this.element = el('li', { className: 'card outgoing', dataset: { sha256: photo.sha256 } },
      el('img', { src: objectUrl, alt: t('photo.sent', { name: photo.name }), className: 'thumb' }),
      el('div', { className: 'card-body' },
        el('p', { className: 'title' }, `${photo.name} · ${formatBytes(photo.size)}`), this.list));
  }

  row(peerId, name, onCancel) {
    let r = this.rows.get(peerId);
    if (!r) {
      r = new TransferRow({ direction: 'out', title: t('photo.to', { name }), peer: peerId, onCancel });
      this.rows.set(peerId, r);
      this.list.append(r.element);
    }
    return r;
  }
}

/** The card of one photo we receive; shows the photo and a download link only once verified. */
export class IncomingCard {
  constructor({ id, fromName, peerId, name, size, onCancel }) {
    this.name = name;
    this.row = new TransferRow({ direction: 'in', title: t('photo.from', { name: fromName }), peer: peerId, onCancel });
    this.row.setState('receiving');
    this.row.setProgress(0, size);
    this.media = el('div', { className: 'media' });
    this.element = el('li', { className: 'card incoming', dataset: { transfer: id, peer: peerId } },
      this.media,
      el('div', { className: 'card-body' },
        el('p', { className: 'title' }, `${name} · ${formatBytes(size)}`),
        el('ul', { className: 'rows' }, this.row.element)));
  }

  /** Shows the verified photo, with its hash and path, and a download link. */
  show(blob, sha256, path) {
    const url = URL.createObjectURL(blob);
    this.media.replaceChildren(
      el('img', {
        src: url, alt: t('photo.received', { name: this.name }), className: 'thumb', 'data-testid': 'received-photo',
        dataset: { sha256, path },
      }),
      el('a', { href: url, download: this.name, className: 'button small' }, t('action.download')));
    this.row.setPath(path);
    this.row.setState('verified');
    this.element.dataset.verifiedAt = String(performance.timeOrigin + performance.now());
  }
}
