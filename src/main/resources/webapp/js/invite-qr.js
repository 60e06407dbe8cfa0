/**
 * The invitation's QR code: the room link drawn on a canvas, module by module, with the QR library
 * the build copies from its npm package (qrcode-generator, served as /qrcode/qrcode.mjs).
 */
import qrcode from '/qrcode/qrcode.mjs';

const QUIET = 4; // modules of white border the standard asks for

/** Draws {@code text} as a QR code (error correction M) on {@code canvas}, {@code scale} pixels a module. */
export function drawQr(canvas, text, scale = 4) {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const n = qr.getModuleCount();
  const size = (n + 2 * QUIET) * scale;
  canvas.width = size;
  canvas.height = size;
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, size, size);
  g.fillStyle = '#000';
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (qr.isDark(r, c)) {
        g.fillRect((c + QUIET) * scale, (r + QUIET) * scale, scale, scale);
      }
    }
  }
  canvas.dataset.modules = String(n);
  canvas.dataset.text = text;
}
