/**
 * What every page does to be an installable app that works offline: registers the service worker
 * (sw.js, scope "/") and keeps the offline banner (data-testid "offline") in step with the network
 * (navigator.onLine and the online / offline events).
 */
import { t } from './strings.js';

export function setUpApp() {
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((e) => console.warn(`service worker: ${e.message}`));
  }
  const banner = document.getElementById('offline');
  if (banner) {
    const render = () => {
      banner.textContent = navigator.onLine ? '' : t('offline.banner');
      banner.hidden = navigator.onLine;
      document.documentElement.dataset.online = String(navigator.onLine);
    };
    window.addEventListener('online', render);
    window.addEventListener('offline', render);
    render();
  }
}
