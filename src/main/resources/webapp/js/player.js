/**
 * A player for a saved recording. MediaRecorder's WebM carries no duration, so the browser reports an
 * infinite one and the seek bar is useless: on loading, the player seeks far past the end, which makes
 * the browser read to the end and learn the real duration, then goes back to the start. The duration
 * shows beside the player (`recording-duration`) and on the video as `data-duration` (seconds).
 */
import { el } from './dom.js';
import { t } from './strings.js';

/** "m:ss" (or "h:mm:ss") for {@code seconds}; under a second but more than none reads "0:01". */
export function formatDuration(seconds) {
  const s = seconds > 0 ? Math.max(1, Math.round(seconds)) : 0; // a short clip is not "0:00"
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** A video element for {@code src} and the label its duration goes in: [video, label]. */
export function recordingPlayer(src, props = {}) {
  const video = el('video', { src, controls: true, preload: 'metadata', playsInline: true, ...props });
  const label = el('span', { className: 'hint recording-duration', 'data-testid': 'recording-duration' });
  let probing = false;
  const known = () => {
    if (!Number.isFinite(video.duration) || video.duration <= 0) {
      return false;
    }
    video.dataset.duration = String(video.duration);
    label.textContent = t('player.duration', { time: formatDuration(video.duration) });
    return true;
  };
  video.addEventListener('loadedmetadata', () => {
    if (!known()) {
      probing = true;
      video.currentTime = Number.MAX_SAFE_INTEGER;
    }
  });
  video.addEventListener('durationchange', () => {
    if (known() && probing) {
      probing = false;
      video.currentTime = 0;
    }
  });
  return [video, label];
}
