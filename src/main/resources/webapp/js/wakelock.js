/**
 * Keeps the screen on while something long runs (a transfer, a recording), with the Screen Wake
 * Lock API (W3C Screen Wake Lock, navigator.wakeLock.request('screen')). Holds are counted: the lock
 * is taken with the first and released after the last. The browser drops the lock whenever the page
 * is hidden, so it is asked for again when the page becomes visible while a hold remains.
 * Where the API is missing or refuses (no user activation, battery saver), nothing happens.
 */
let holds = 0;
let sentinel = null;
let asking = null;

async function acquire() {
  if (asking || sentinel || holds === 0 || !navigator.wakeLock || document.visibilityState !== 'visible') {
    return;
  }
  asking = (async () => {
    try {
      const s = await navigator.wakeLock.request('screen');
      s.addEventListener('release', () => {
        if (sentinel === s) {
          sentinel = null;
        }
      });
      sentinel = s;
      if (holds === 0) {
        await releaseNow(); // the last hold ended while we were asking
      }
    } catch (e) {
      // refused: the screen may dim, the work goes on
    } finally {
      asking = null;
    }
  })();
  await asking;
}

async function releaseNow() {
  const s = sentinel;
  sentinel = null;
  if (s && !s.released) {
    try {
      await s.release();
    } catch (e) {
      // already released by the browser
    }
  }
}

if (typeof document !== 'undefined') {
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && holds > 0) {
      acquire();
    }
  });
}

/** Takes a hold on the screen lock; call the returned function (once; more calls do nothing) to let go. */
export function holdWakeLock() {
  holds++;
  acquire();
  let done = false;
  return () => {
    if (done) {
      return;
    }
    done = true;
    holds--;
    if (holds === 0 && !asking) {
      releaseNow();
    }
  };
}

/** Number of holds now (for tests and diagnostics). */
export function wakeLockHolds() {
  return holds;
}

const BUSY = new Set(['sending', 'sent', 'receiving', 'verifying']);

/** Files through the server (js/file-server.js): busy while the bytes move, not while waiting for the peer. */
export const SERVER_BUSY = new Set(['uploading', 'downloading']);

/**
 * Holds the screen lock while any transfer of {@code transfers} (a TransferLink's or ServerFiles'
 * events) is in one of the {@code states}.
 */
export function holdWhileBusy(transfers, states = BUSY) {
  const held = new Map(); // transfer -> release
  transfers.addEventListener('update', (e) => {
    const t = e.detail;
    const busy = states.has(t.state);
    if (busy && !held.has(t)) {
      held.set(t, holdWakeLock());
    } else if (!busy && held.has(t)) {
      held.get(t)();
      held.delete(t);
    }
  });
}
