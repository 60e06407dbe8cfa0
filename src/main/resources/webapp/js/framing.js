/**
 * Photo transfer framing (pure: no channels, clocks or DOM).
 *
 * Two ordered, reliable RTCDataChannels per peer pair (RFC 8831): "control" carries JSON messages,
 * "data" carries binary chunks. A transfer starts with a header on the control channel
 * {t:"file", id, slot, name, type, size, sha256, chunk}; its bytes then travel as chunk frames on the
 * data channel. A chunk frame is a 9-byte prefix (kind, slot, offset; big-endian) followed by payload
 * bytes. The slot is a small number chosen by the sender so a chunk names its transfer in 4 bytes.
 * Other control messages: {t:"progress", id, bytes}, {t:"result", id, ok, error?}, {t:"cancel", id, reason?}.
 * Files of any type use {t:"offer", ...same fields} instead of "file": their bytes follow only after
 * the receiver answers {t:"accept", id, from} (from: the offset to start at); a decline is a cancel.
 * An offer may carry {client}: the sender's stable client id (kept across reloads), so a receiver can
 * match the offer to a partial file it kept. {t:"hello", id} opens each link: its id is the sender's
 * stable client id, so each end recognises a returning peer whose signaling id changed.
 * An offer of an image may carry {thumb}: a JPEG preview as a data URL (image/jpeg, base64, at most
 * THUMB_MAX_BYTES decoded); a thumb that breaks these rules is dropped, the offer stays.
 */

export const CHUNK_PREFIX_BYTES = 9;
export const KIND_CHUNK = 1;
/** Largest photo a peer accepts over a data channel. */
export const MAX_TRANSFER_BYTES = 64 * 1024 * 1024;
/** Largest file offered with {t:"offer"}: chunk offsets are unsigned 32-bit. */
export const MAX_FILE_BYTES = 0xffffffff;
const FILE_TYPE = /^[a-z0-9.+-]{1,40}\/[a-z0-9.+-]{1,80}$/;
const MAX_NAME = 255;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const TYPE = /^image\/[a-z0-9.+-]{1,40}$/;
const SHA256 = /^[0-9a-f]{64}$/;
/** Offer thumbnails: the longer side in pixels, and the decoded JPEG size. */
export const THUMB_MAX_PX = 160;
export const THUMB_MAX_BYTES = 16 * 1024;
const THUMB_PREFIX = 'data:image/jpeg;base64,';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** Control messages are short JSON; an offer with a thumbnail is the longest. */
const MAX_CONTROL_CHARS = 4096 + THUMB_PREFIX.length + Math.ceil(THUMB_MAX_BYTES / 3) * 4;

/** A frame or control message that breaks the rules above. */
export class FramingError extends Error {
  constructor(message) {
    super(message);
    this.name = 'FramingError';
  }
}

/** One chunk frame: prefix and a copy of {@code payload} (a Uint8Array) in a fresh ArrayBuffer. */
export function encodeChunk(slot, offset, payload) {
  checkUint32(slot, 'slot');
  checkUint32(offset, 'offset');
  const out = new Uint8Array(CHUNK_PREFIX_BYTES + payload.byteLength);
  const view = new DataView(out.buffer);
  view.setUint8(0, KIND_CHUNK);
  view.setUint32(1, slot);
  view.setUint32(5, offset);
  out.set(payload, CHUNK_PREFIX_BYTES);
  return out.buffer;
}

/** Parses a chunk frame; the payload is a view into {@code buffer}, not a copy. */
export function decodeChunk(buffer) {
  if (!(buffer instanceof ArrayBuffer)) {
    throw new FramingError('a chunk must be binary');
  }
  if (buffer.byteLength <= CHUNK_PREFIX_BYTES) {
    throw new FramingError(`chunk too short (${buffer.byteLength} bytes)`);
  }
  const view = new DataView(buffer);
  const kind = view.getUint8(0);
  if (kind !== KIND_CHUNK) {
    throw new FramingError(`unknown frame kind ${kind}`);
  }
  return {
    slot: view.getUint32(1),
    offset: view.getUint32(5),
    bytes: new Uint8Array(buffer, CHUNK_PREFIX_BYTES),
  };
}

/** A control message as JSON text, validated first so we never send what the other end refuses. */
export function encodeControl(message) {
  return JSON.stringify(validateControl(message));
}

/** Parses and validates a control message; throws FramingError on anything unexpected. */
export function decodeControl(text, maxBytes = MAX_TRANSFER_BYTES) {
  if (typeof text !== 'string' || text.length > MAX_CONTROL_CHARS) {
    throw new FramingError('a control message must be short JSON text');
  }
  let message;
  try {
    message = JSON.parse(text);
  } catch (e) {
    throw new FramingError('control message is not JSON');
  }
  return validateControl(message, maxBytes);
}

/** Returns a clean copy of a control message, keeping only the known fields. */
export function validateControl(m, maxBytes = MAX_TRANSFER_BYTES) {
  if (m === null || typeof m !== 'object' || Array.isArray(m)) {
    throw new FramingError('control message must be an object');
  }
  if (typeof m.id !== 'string' || !ID.test(m.id)) {
    throw new FramingError('bad transfer id');
  }
  switch (m.t) {
    case 'file':
      return validateHeader(m, maxBytes);
    case 'offer':
      return validateOffer(m);
    case 'hello':
      return { t: 'hello', id: m.id };
    case 'accept':
      if (!Number.isSafeInteger(m.from) || m.from < 0 || m.from > MAX_FILE_BYTES) {
        throw new FramingError('bad accept offset');
      }
      return { t: 'accept', id: m.id, from: m.from };
    case 'progress':
      if (!Number.isSafeInteger(m.bytes) || m.bytes < 0) {
        throw new FramingError('bad progress');
      }
      return { t: 'progress', id: m.id, bytes: m.bytes };
    case 'result':
      if (typeof m.ok !== 'boolean') {
        throw new FramingError('bad result');
      }
      return m.ok ? { t: 'result', id: m.id, ok: true }
        : { t: 'result', id: m.id, ok: false, error: shortText(m.error, 'failed') };
    case 'cancel':
      return { t: 'cancel', id: m.id, reason: shortText(m.reason, 'cancelled') };
    default:
      throw new FramingError(`unknown control message ${String(m.t).slice(0, 20)}`);
  }
}

function validateHeader(m, maxBytes) {
  checkUint32(m.slot, 'slot');
  if (typeof m.type !== 'string' || !TYPE.test(m.type)) {
    throw new FramingError('type must be an image media type');
  }
  if (!Number.isSafeInteger(m.size) || m.size <= 0) {
    throw new FramingError('size must be a positive integer');
  }
  if (m.size > maxBytes) {
    throw new FramingError(`photo too large (${m.size} bytes, limit ${maxBytes})`);
  }
  if (typeof m.sha256 !== 'string' || !SHA256.test(m.sha256)) {
    throw new FramingError('sha256 must be 64 lower-case hex digits');
  }
  const chunk = m.chunk === undefined ? 0 : m.chunk;
  if (!Number.isSafeInteger(chunk) || chunk < 0) {
    throw new FramingError('bad chunk size');
  }
  return {
    t: 'file', id: m.id, slot: m.slot, name: cleanName(m.name), type: m.type, size: m.size,
    sha256: m.sha256, chunk,
  };
}

function validateOffer(m) {
  const type = typeof m.type === 'string' && FILE_TYPE.test(m.type) ? m.type : 'application/octet-stream';
  if (!Number.isSafeInteger(m.size) || m.size < 0 || m.size > MAX_FILE_BYTES) {
    throw new FramingError(`file size must be 0 to ${MAX_FILE_BYTES} bytes`);
  }
  const h = validateHeader({ ...m, t: 'file', type: 'image/x', size: Math.max(m.size, 1) }, MAX_FILE_BYTES);
  const offer = { ...h, t: 'offer', type, size: m.size, name: cleanName(m.name, 'file') };
  if (m.client !== undefined) {
    if (typeof m.client !== 'string' || !ID.test(m.client)) {
      throw new FramingError('bad client id');
    }
    offer.client = m.client;
  }
  const thumb = cleanThumbnail(m.thumb);
  if (thumb) {
    offer.thumb = thumb;
  }
  return offer;
}

/**
 * The thumbnail of an offer if it is a base64 JPEG data URL of at most THUMB_MAX_BYTES that starts
 * like a JPEG (FF D8 FF), else null. Shown only as an img src, never as markup.
 */
export function cleanThumbnail(thumb) {
  if (typeof thumb !== 'string' || !thumb.startsWith(THUMB_PREFIX)) {
    return null;
  }
  const data = thumb.slice(THUMB_PREFIX.length);
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  if (data.length % 4 !== 0 || !BASE64.test(data) || (data.length / 4) * 3 - padding > THUMB_MAX_BYTES
    || !data.startsWith('/9j/')) {
    return null;
  }
  return thumb;
}

/** A file name safe to show and to offer as a download name: no paths, no control characters. */
export function cleanName(name, fallback = 'photo') {
  if (typeof name !== 'string') {
    return fallback;
  }
  const base = name.split(/[\\/]/).pop();
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, MAX_NAME);
  return clean === '' || clean === '.' || clean === '..' ? fallback : clean;
}

function shortText(s, fallback) {
  return typeof s === 'string' && s.length > 0 ? s.slice(0, 200) : fallback;
}

function checkUint32(n, what) {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new FramingError(`${what} must be an unsigned 32-bit integer`);
  }
}
