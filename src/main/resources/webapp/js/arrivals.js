/**
 * What arrives is seen at once: every photo, file offer and recording that reaches this page is shown
 * in the incoming area at the top of the room, raised as a toast on top of whatever the person is
 * looking at, announced in the polite live region, and counted in the tab title while the page is
 * hidden ("(2) Switchboard · room") until the person comes back to it.
 */
import { announce } from './announce.js';
import { el } from './dom.js';
import { t } from './strings.js';

const TOAST_MS = 6000;
const MAX_TOASTS = 3;

export class Arrivals {
  /**
   * @param section the incoming area (data-testid "incoming"); @param toasts the toast container
   * @param {{now?: () => number, setTimer?: Function, hidden?: () => boolean}} options clock and
   *   visibility, for tests
   */
  constructor(section, toasts, { setTimer = (f, ms) => setTimeout(f, ms), hidden = () => document.hidden } = {}) {
    this.section = section;
    this.toasts = toasts;
    this.setTimer = setTimer;
    this.hidden = hidden;
    this.unseen = 0;
    this.baseTitle = document.title;
    document.addEventListener('visibilitychange', () => {
      if (!this.hidden()) {
        this.seen();
      }
    });
  }

  /** The tab title without the count (the page sets it once it knows the room). */
  setTitle(title) {
    this.baseTitle = title;
    this.renderTitle();
  }

  /**
   * Something arrived: {@code text} says what and from whom; {@code element} is where it is shown
   * (already in the incoming area), or null.
   */
  arrived(text, element = null) {
    this.section.querySelector('#incoming-empty')?.setAttribute('hidden', '');
    const list = element?.parentElement;
    if (list && list.parentElement === this.section && list !== this.section.querySelector('ul')) {
      this.section.querySelector('ul').before(list); // the kind that arrived last comes first
    }
    announce(text);
    this.toast(text, element);
    if (this.hidden()) {
      this.unseen += 1;
      this.renderTitle();
    }
  }

  toast(text, element) {
    const show = el('button', { type: 'button', className: 'small', 'data-testid': 'toast-show' }, t('arrive.show'));
    const toast = el('div', { className: 'toast', 'data-testid': 'toast' }, el('span', {}, text), show);
    const close = () => toast.remove();
    show.addEventListener('click', () => {
      close();
      (element ?? this.section).scrollIntoView({ block: 'nearest', behavior: 'smooth' });
      (element ?? this.section).focus?.({ preventScroll: true });
    });
    this.toasts.prepend(toast);
    while (this.toasts.children.length > MAX_TOASTS) {
      this.toasts.lastElementChild.remove();
    }
    this.setTimer(close, TOAST_MS);
  }

  seen() {
    if (this.unseen > 0) {
      this.unseen = 0;
      this.renderTitle();
    }
  }

  renderTitle() {
    document.title = this.unseen > 0 ? t('arrive.title', { n: this.unseen, title: this.baseTitle }) : this.baseTitle;
  }
}
