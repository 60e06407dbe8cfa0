/**
 * Small JPEG previews of images offered as files: at most THUMB_MAX_PX on the longer side and
 * THUMB_MAX_BYTES, as a data URL that travels in the offer (framing.js checks it on arrival).
 * Made with createImageBitmap and an OffscreenCanvas (a canvas element where that is missing),
 * trying lower JPEG qualities until it fits.
 */
import { THUMB_MAX_BYTES, THUMB_MAX_PX } from './framing.js';

const IMAGE = /^image\/(png|jpeg|gif|webp)$/;

/** A data URL of a JPEG preview of {@code file}, or null (not an image we preview, or undecodable). */
export async function makeThumbnail(file) {
  if (!IMAGE.test(file.type) || file.size === 0) {
    return null;
  }
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch (e) {
    return null;
  }
  try {
    const scale = Math.min(1, THUMB_MAX_PX / Math.max(bitmap.width, bitmap.height));
    const w = Math.max(1, Math.round(bitmap.width * scale));
    const h = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(w, h)
      : Object.assign(document.createElement('canvas'), { width: w, height: h });
    const g = canvas.getContext('2d');
    g.fillStyle = '#fff'; // transparent parts of PNG, GIF and WebP on white, as JPEG has no alpha
    g.fillRect(0, 0, w, h);
    g.drawImage(bitmap, 0, 0, w, h);
    for (const quality of [0.75, 0.55, 0.35]) {
      const blob = canvas.convertToBlob ? await canvas.convertToBlob({ type: 'image/jpeg', quality })
        : await new Promise((r) => canvas.toBlob(r, 'image/jpeg', quality));
      if (blob && blob.size <= THUMB_MAX_BYTES) {
        return `data:image/jpeg;base64,${base64(new Uint8Array(await blob.arrayBuffer()))}`;
      }
    }
    return null;
  } finally {
    bitmap.close();
  }
}

function base64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}
