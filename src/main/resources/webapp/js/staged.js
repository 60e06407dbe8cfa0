/**
 * Files that came into the room page from a share (the share target, js/shared-inbox.js): listed in
 * the Files section, ready to send to everyone connected with one press, and the first image put in
 * the photo slot. Text, title and link that came with the share go into the chat box, unsent.
 */
import { el, formatBytes } from './dom.js';
import { deleteShare, loadShare } from './shared-inbox.js';
import { t } from './strings.js';

/**
 * Takes share {@code id} into this room.
 * @param box the element for the list (data-testid "files-staged")
 * @param sendFiles function(File[]) that offers files to everyone connected
 * @param usePhoto function(Blob, name) that puts an image in the photo slot
 * @param chatInput the chat text box
 */
export async function takeShare(id, { box, sendFiles, usePhoto, chatInput }) {
  const share = await loadShare(id);
  if (!share) {
    return null;
  }
  const files = share.files.map((f) => (f instanceof File ? f : new File([f], 'shared', { type: f.type })));
  const image = files.find((f) => f.type.startsWith('image/'));
  if (image) {
    await usePhoto(image, image.name);
  }
  const words = [share.title, share.text, share.url].filter(Boolean).join(' ');
  if (words && chatInput && !chatInput.value) {
    chatInput.value = words;
  }
  if (files.length > 0) {
    const status = el('span', { className: 'hint', role: 'status' });
    const send = el('button', {
      type: 'button', className: 'primary', 'data-testid': 'files-send-staged',
      onclick: () => {
        sendFiles(files);
        status.textContent = t('files.stagedSent');
      },
    }, t('files.sendStaged'));
    box.replaceChildren(el('p', { className: 'hint' }, t('files.staged')),
      el('ul', {}, ...files.map((f) => el('li', { 'data-testid': 'staged-file', dataset: { name: f.name } },
        t('share.fileInfo', { name: f.name, size: formatBytes(f.size) })))),
      send, status);
    box.hidden = false;
  }
  await deleteShare(id);
  return share;
}
