/**
 * System notifications (WHATWG Notifications API) for what arrives while the page is hidden:
 * file offers and chat messages. Permission is asked for only when the person presses the bell
 * (a user gesture), and notifications show only while it is granted and the bell is on; a visible
 * page never notifies (the live region and the page itself say it). Where the Notification
 * constructor is refused (Android), the service worker registration shows it instead.
 */
import { t } from './strings.js';

const KEY = 'switchboard.notify';

export class Notifier {
  /** @param button the bell toggle (aria-pressed); @param message element for a short reason, or null */
  constructor(button, message) {
    this.button = button;
    this.message = message;
    this.supported = typeof Notification === 'function';
    button.hidden = !this.supported;
    button.addEventListener('click', () => this.toggle());
    this.render();
  }

  get on() {
    return this.supported && Notification.permission === 'granted' && localStorage.getItem(KEY) === 'on';
  }

  async toggle() {
    if (!this.supported) {
      return;
    }
    if (this.on) {
      localStorage.setItem(KEY, 'off');
    } else {
      let permission = Notification.permission;
      if (permission === 'default') {
        permission = await Notification.requestPermission();
      }
      localStorage.setItem(KEY, permission === 'granted' ? 'on' : 'off');
      if (this.message) {
        this.message.textContent = permission === 'denied' ? t('notify.denied') : '';
      }
    }
    this.render();
  }

  render() {
    const on = this.on;
    this.button.setAttribute('aria-pressed', String(on));
    this.button.textContent = on ? t('notify.on') : t('notify.off');
  }

  /** Shows a notification when the page is hidden and notifications are on; {@code tag} merges repeats. */
  notify(title, body, tag) {
    if (!this.on || document.visibilityState !== 'hidden') {
      return false;
    }
    const options = { body, tag, icon: '/icons/icon-192.png' };
    try {
      const n = new Notification(title, options);
      n.addEventListener?.('click', () => { window.focus(); n.close(); });
    } catch (e) {
      navigator.serviceWorker?.ready.then((r) => r.showNotification(title, options)).catch(() => {});
    }
    return true;
  }
}
