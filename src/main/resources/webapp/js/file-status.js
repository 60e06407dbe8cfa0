/**
 * Pure: the one plain sentence a file row shows for its transfer, and the figures of one in flight
 * (percent, bytes, speed, time left). The reasons a transfer carries ("cancelled by the peer
 * (declined: not enough storage: …)") are protocol words; this turns them into what happened.
 */
import { formatBytes } from './dom.js';
import { t } from './strings.js';

const WINDOW_MS = 3000; // the speed is measured over the last few seconds

/** Tracks one transfer's bytes over time; {@code speed()} in bytes per second over the last 3 s. */
export class Rate {
  constructor() {
    this.samples = [];
  }

  add(now, bytes) {
    const last = this.samples[this.samples.length - 1];
    if (last && bytes < last.bytes) {
      this.samples = []; // started again (a resume from an earlier offset)
    }
    this.samples.push({ now, bytes });
    while (this.samples.length > 2 && now - this.samples[1].now >= WINDOW_MS) {
      this.samples.shift();
    }
  }

  speed() {
    if (this.samples.length < 2) {
      return 0;
    }
    const a = this.samples[0];
    const b = this.samples[this.samples.length - 1];
    return b.now > a.now ? ((b.bytes - a.bytes) * 1000) / (b.now - a.now) : 0;
  }
}

/** "12 s", "3 min 5 s", "1 h 2 min". */
export function formatDuration(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) {
    return t('time.s', { s });
  }
  if (s < 3600) {
    return t('time.min', { m: Math.floor(s / 60), s: s % 60 });
  }
  return t('time.h', { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
}

/** "42 % · 21.0 MB of 50.0 MB · 4.2 MB/s · 7 s left" (speed and time left once known). */
export function figures(bytes, size, speed) {
  const pct = size > 0 ? Math.floor((bytes * 100) / size) : 0;
  const parts = [t('files.figures', { pct, done: formatBytes(bytes), total: formatBytes(size) })];
  if (speed > 0) {
    parts.push(t('files.speed', { speed: formatBytes(Math.round(speed)) }));
    parts.push(t('files.left', { time: formatDuration((size - bytes) / speed) }));
  }
  return parts.join(' · ');
}

/** The innermost reason of a cancel: "cancelled by the peer (declined: x)" gives "declined: x". */
export function innerReason(error) {
  let r = String(error ?? '').trim();
  for (;;) {
    const m = /^cancelled by the peer \((.*)\)$/s.exec(r);
    if (!m) {
      return r;
    }
    r = m[1].trim();
  }
}

/**
 * The sentence for transfer {@code x} ({state, direction, bytes, size, error, via}) with peer name
 * {@code peer}; {@code speed} in bytes per second for a transfer in flight.
 */
export function fileStatus(x, peer, speed = 0) {
  const out = x.direction === 'out';
  const server = x.via === 'server';
  switch (x.state) {
    case 'offered':
      return out ? t('files.s.waitAccept', { peer }) : t('files.s.offered', { peer });
    case 'sending':
    case 'receiving':
    case 'uploading':
    case 'downloading': {
      const what = t(`files.s.${x.state}`);
      return `${what} ${figures(Math.min(x.bytes ?? 0, x.size), x.size, speed)}`;
    }
    case 'sent':
      return server && x.error ? t('files.s.serverWaiting', { peer }) : t('files.s.sent', { peer });
    case 'verifying':
      return t('files.s.verifying');
    case 'verified':
      return t(out ? 'files.s.delivered' : 'files.s.received', { peer, via: server ? t('files.s.viaServer') : '' });
    case 'interrupted':
      return t('files.s.interrupted', { why: x.error || t('files.s.connectionLost') });
    case 'cancelled':
      return cancelled(innerReason(x.error), out, peer);
    case 'failed':
      return t('files.s.failed', { why: innerReason(x.error) || t('state.failed') });
    default:
      return x.state;
  }
}

function cancelled(reason, out, peer) {
  if (reason.startsWith('declined: ')) {
    return t('files.s.declinedBecause', { why: reason.slice('declined: '.length) });
  }
  if (reason === 'declined') {
    return out ? t('files.s.peerDeclined', { peer }) : t('files.s.youDeclined');
  }
  if (reason === 'cancelled by the receiver') {
    return out ? t('files.s.receiverCancelled', { peer }) : t('files.s.youCancelled');
  }
  if (reason === 'cancelled by the sender') {
    return out ? t('files.s.youCancelled') : t('files.s.senderCancelled', { peer });
  }
  return reason ? t('files.s.cancelledBecause', { why: reason }) : t('files.s.cancelled');
}
