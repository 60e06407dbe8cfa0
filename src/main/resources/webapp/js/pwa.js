/**
 * What every page does to be an installable app that works offline: registers the service worker
 * (sw.js, scope "/") and keeps the offline banner (data-testid "offline") in step with the network
 * (navigator.onLine and the online / offline events, confirmed by asking the server).
 */
import { t } from './strings.js';

export function setUpApp() {
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((e) => console.warn(`service worker: ${e.message}`));
  }
  const banner = document.getElementById('offline');
  if (banner) {
    const show = (offline) => {
      banner.textContent = offline ? t('offline.banner') : '';
      banner.hidden = !offline;
      document.documentElement.dataset.online = String(!offline);
    };
    // navigator.onLine is false on a host with no network but loopback, where this server may still be
    // reachable: offline is "the browser says so and the server does not answer", checked again while it lasts.
    let timer = null;
    const check = async () => {
      clearTimeout(timer);
      if (navigator.onLine) {
        show(false);
        return;
      }
      let reachable = false;
      try {
        await fetch('/healthz', { cache: 'no-store' });
        reachable = true;
      } catch {
        reachable = false;
      }
      show(!reachable);
      if (!reachable) {
        timer = setTimeout(check, 3000);
      }
    };
    window.addEventListener('online', check);
    window.addEventListener('offline', check);
    show(false);
    check();
  }
}
