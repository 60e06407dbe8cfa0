/**
 * Fills the static text of a page from js/strings.js, so the HTML pages hold no words of their own:
 * data-i18n="key" gives an element its text (before any child elements it has, such as the input
 * inside a label), and data-i18n-aria-label, data-i18n-title, data-i18n-placeholder and data-i18n-alt
 * give it those attributes. Every page module calls fillPage() first thing.
 */
import { t } from './strings.js';

const ATTRIBUTES = ['aria-label', 'title', 'placeholder', 'alt'];

/** Applies every data-i18n* attribute under {@code root}. */
export function fillPage(root = document) {
  for (const e of root.querySelectorAll('[data-i18n]')) {
    const text = t(e.dataset.i18n);
    if (e.children.length === 0) {
      e.textContent = text;
    } else {
      const first = e.firstChild;
      if (first?.nodeType === Node.TEXT_NODE) {
        first.nodeValue = text;
      } else {
        e.prepend(document.createTextNode(text));
      }
    }
  }
  for (const name of ATTRIBUTES) {
    for (const e of root.querySelectorAll(`[data-i18n-${name}]`)) {
      e.setAttribute(name, t(e.getAttribute(`data-i18n-${name}`)));
    }
  }
}
