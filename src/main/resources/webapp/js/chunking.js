/**
 * Chunk planning and flow-control watermarks for data-channel transfers (pure).
 *
 * Chunks start at 16 KiB, the size every WebRTC implementation accepts, and grow toward the
 * association's negotiated maximum message size (RTCSctpTransport.maxMessageSize, RFC 8841
 * max-message-size: already the smaller of both ends' limits), capped at 256 KiB so a cancel or a
 * second transfer never waits behind a huge message. Sending stops above a high watermark of buffered
 * bytes and resumes at the low one (bufferedAmountLowThreshold): a steady stream, never stop-and-wait
 * per block and never an unbounded queue.
 */
import { CHUNK_PREFIX_BYTES } from './framing.js';

export const MIN_MESSAGE = 16 * 1024;
export const MAX_MESSAGE = 256 * 1024;

/** Bytes per chunk frame (prefix included) for a negotiated maxMessageSize (0 or Infinity: no limit). */
export function messageSize(maxMessageSize) {
  if (maxMessageSize === 0 || maxMessageSize === Infinity) {
    return MAX_MESSAGE;
  }
  if (typeof maxMessageSize !== 'number' || !Number.isFinite(maxMessageSize) || maxMessageSize < 0) {
    return MIN_MESSAGE;
  }
  const m = Math.floor(maxMessageSize);
  if (m < MIN_MESSAGE) {
    return Math.max(m, CHUNK_PREFIX_BYTES + 1); // an end that allows less: obey it
  }
  return Math.min(m, MAX_MESSAGE);
}

/** Payload bytes per chunk for a given message size. */
export function payloadSize(message) {
  return message - CHUNK_PREFIX_BYTES;
}

/** The chunks of a {@code size}-byte photo: [{offset, length}], in order, covering every byte once. */
export function planChunks(size, payload) {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new RangeError('size must be a non-negative integer');
  }
  if (!Number.isSafeInteger(payload) || payload <= 0) {
    throw new RangeError('payload must be a positive integer');
  }
  const chunks = [];
  for (let offset = 0; offset < size; offset += payload) {
    chunks.push({ offset, length: Math.min(payload, size - offset) });
  }
  return chunks;
}

/**
 * High and low watermarks of RTCDataChannel.bufferedAmount for a message size: at least 1 MiB or 16
 * messages in flight, at most 8 MiB (Chromium closes a channel whose buffer passes 16 MiB).
 */
export function watermarks(message) {
  const high = Math.min(8 * 1024 * 1024, Math.max(1024 * 1024, 16 * message));
  return { high, low: Math.floor(high / 2) };
}
