/**
 * The room's saved photos (thumbnails from the server) and recordings (a video player that seeks with
 * range requests), newest first, updated live on media-added.
 */
import { recordingPlayer } from './player.js';
import { isMedia, listMedia, mediaUrl, thumbnailUrl } from './api.js';
import { el, formatBytes } from './dom.js';
import { t } from './strings.js';

export class Gallery {
  constructor(list, status, room) {
    this.list = list;
    this.status = status;
    this.room = room;
    this.items = new Map(); // id -> element
    this.recordedBy = new Map(); // recording id -> the name of who made it (null: this page)
  }

  /** Who made recording {@code id} ({@code name}; null: this page), as far as this page was told. */
  label(id, name) {
    this.recordedBy.set(id, name);
    const caption = this.items.get(id)?.querySelector('[data-testid=recording-caption]');
    if (caption) {
      caption.textContent = this.caption(id, Date.parse(caption.dataset.created));
    }
  }

  caption(id, created) {
    const time = new Date(created).toLocaleString();
    if (!this.recordedBy.has(id)) {
      return t('consent.at', { time });
    }
    const by = this.recordedBy.get(id);
    return by === null ? t('consent.byYou', { time }) : t('consent.by', { peer: by, time });
  }

  async load() {
    try {
      const photos = await listMedia(this.room);
      photos.forEach((m) => this.add(m));
      this.updateStatus();
    } catch (e) {
      this.status.textContent = e.status === 404 ? t('gallery.unavailable') : t('gallery.failed', { message: e.message });
    }
  }

  /** Adds a media record where its creation time puts it; ignores ones already shown. */
  add(m) {
    if (!isMedia(m) || this.items.has(m.id)) {
      return;
    }
    const created = Date.parse(m.createdAt) || Date.now();
    if (m.kind === 'recording') {
      const [video, duration] = recordingPlayer(mediaUrl(m.id), {
        'data-testid': 'gallery-recording', 'aria-label': t('gallery.recording', { size: formatBytes(m.size ?? 0) }),
      });
      this.place(m, created, video, el('p', { className: 'hint', 'data-testid': 'recording-caption', dataset: { created: new Date(created).toISOString() } },
        this.caption(m.id, created)), duration);
      return;
    }
    const img = el('img', { src: thumbnailUrl(m.id), alt: t('gallery.photo', { id: m.id.slice(0, 8) }), loading: 'lazy' });
    img.addEventListener('error', () => {
      if (!img.dataset.fallback) {
        img.dataset.fallback = '1';
        img.src = mediaUrl(m.id);
      }
    }, { once: true });
    this.place(m, created, el('a', { href: mediaUrl(m.id), target: '_blank', rel: 'noopener',
      'aria-label': t('gallery.open', { size: formatBytes(m.size ?? 0) }) }, img));
  }

  place(m, created, ...content) {
    const element = el('li', {
      className: 'gallery-item', 'data-testid': 'gallery-item',
      dataset: { id: m.id, sha256: typeof m.sha256 === 'string' ? m.sha256 : '', created: String(created),
        kind: m.kind === 'recording' ? 'recording' : 'photo' },
    }, ...content);
    const before = [...this.list.children].find((c) => Number(c.dataset.created) < created);
    this.items.set(m.id, element);
    this.list.insertBefore(element, before ?? null);
    this.updateStatus();
  }

  /** Drops a photo deleted on the server (media-removed). */
  remove(id) {
    const element = this.items.get(id);
    if (element) {
      element.remove();
      this.items.delete(id);
      this.updateStatus();
    }
  }

  updateStatus() {
    this.status.textContent = this.items.size === 0 ? t('gallery.empty') : '';
  }
}
