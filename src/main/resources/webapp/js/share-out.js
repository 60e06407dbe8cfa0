/**
 * "Save / Share" for a received file with the Web Share API (W3C Web Share, navigator.share with
 * files): on phones this hands the file to the system share sheet (save to gallery, another app).
 * Offered only where navigator.canShare says the file can be shared; elsewhere the download link is
 * the way to keep it.
 */
import { el } from './dom.js';
import { announceError } from './announce.js';
import { t } from './strings.js';

/** A "Save / Share" button for {@code file} (a File), or null where the browser cannot share it. */
export function shareButton(file) {
  if (typeof navigator.share !== 'function' || typeof navigator.canShare !== 'function') {
    return null;
  }
  let ok = false;
  try {
    ok = navigator.canShare({ files: [file] });
  } catch (e) {
    ok = false;
  }
  if (!ok) {
    return null;
  }
  return el('button', {
    type: 'button', className: 'small', 'data-testid': 'file-share',
    onclick: async () => {
      try {
        await navigator.share({ files: [file], title: file.name });
      } catch (e) {
        if (e.name !== 'AbortError') { // AbortError: the person closed the share sheet
          announceError(t('files.shareFailed', { message: e.message }));
        }
      }
    },
  }, t('action.saveShare'));
}
