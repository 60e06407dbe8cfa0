/**
 * Screen reader announcements through two ARIA live regions of the page (WAI-ARIA 1.2, aria-live):
 * a polite one for what happens in the room (offers, people joining and leaving, chat from others,
 * transfer results) and an assertive one for errors. The regions are in the page from the start
 * (a region added later is often not watched); the same text twice is still announced, because the
 * region is emptied first and refilled on the next frame.
 */
const POLITE = 'announce-polite';
const ASSERTIVE = 'announce-assertive';

function say(id, text) {
  const region = document.getElementById(id);
  if (!region || !text) {
    return;
  }
  region.textContent = '';
  requestAnimationFrame(() => { region.textContent = text; });
  // a hidden page gets no animation frames: fill it at once there
  if (document.visibilityState === 'hidden') {
    region.textContent = text;
  }
}

/** Announces {@code text} when the reader is idle. */
export function announce(text) {
  say(POLITE, text);
}

/** Announces {@code text} at once, interrupting (errors). */
export function announceError(text) {
  say(ASSERTIVE, text);
}
