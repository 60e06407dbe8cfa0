/** Tiny DOM helpers: elements are built with properties and text only, never from HTML strings. */

/** el('li', {className: 'x', dataset: {a: 'b'}, 'aria-label': 'y'}, child, 'text', ...) */
export function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null) {
      continue;
    }
    if (k === 'dataset') {
      Object.assign(e.dataset, v);
    } else if (k === 'className' || k === 'textContent' || k === 'hidden' || k === 'disabled'
      || k === 'src' || k === 'href' || k === 'alt' || k === 'type' || k === 'value' || k === 'max'
      || k === 'download' || k === 'title') {
      e[k] = v;
    } else if (k.startsWith('on') && typeof v === 'function') {
      e.addEventListener(k.slice(2), v);
    } else {
      e.setAttribute(k, String(v));
    }
  }
  for (const c of children) {
    if (c !== null && c !== undefined && c !== false) {
      e.append(c instanceof Node ? c : String(c));
    }
  }
  return e;
}

/** Human-readable byte count. */
export function formatBytes(n) {
  if (n < 1024) {
    return `${n} B`;
  }
  if (n < 1024 * 1024) {
    return `${(n / 1024).toFixed(1)} KB`;
  }
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

