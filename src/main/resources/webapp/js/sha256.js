/**
 * Incremental SHA-256 (FIPS 180-4, section 6.2) for data that arrives in pieces (a recording being
 * made, a file being received), since Web Crypto only digests whole buffers. Pure: bytes in, a hex
 * digest out; no DOM, usable in Workers.
 */
const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

export class Sha256 {
  constructor() {
    this.h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
    this.block = new Uint8Array(64);
    this.filled = 0;
    this.length = 0; // bytes so far
    this.w = new Uint32Array(64);
    this.done = false;
  }

  /** Adds bytes (Uint8Array or ArrayBuffer). */
  update(data) {
    if (this.done) {
      throw new Error('digest already taken');
    }
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
    let i = 0;
    this.length += bytes.length;
    if (this.filled > 0) {
      const take = Math.min(64 - this.filled, bytes.length);
      this.block.set(bytes.subarray(0, take), this.filled);
      this.filled += take;
      i = take;
      if (this.filled < 64) {
        return this;
      }
      this.compress(this.block, 0);
      this.filled = 0;
    }
    for (; i + 64 <= bytes.length; i += 64) {
      this.compress(bytes, i);
    }
    if (i < bytes.length) {
      this.block.set(bytes.subarray(i), 0);
      this.filled = bytes.length - i;
    }
    return this;
  }

  /**
   * The state after the bytes so far, as plain JSON-safe values, so hashing can continue later (after
   * a page reload) from the same offset: {v, h: 8 words, tail: the unprocessed bytes as hex, length}.
   */
  exportState() {
    if (this.done) {
      throw new Error('digest already taken');
    }
    let tail = '';
    for (let i = 0; i < this.filled; i++) {
      tail += this.block[i].toString(16).padStart(2, '0');
    }
    return { v: 1, h: [...this.h], tail, length: this.length };
  }

  /** A hash continuing from a state made by exportState(); throws on anything malformed. */
  static importState(s) {
    const ok = s !== null && typeof s === 'object' && s.v === 1 && Array.isArray(s.h) && s.h.length === 8
      && s.h.every((x) => Number.isInteger(x) && x >= 0 && x <= 0xffffffff)
      && typeof s.tail === 'string' && /^([0-9a-f]{2}){0,63}$/.test(s.tail)
      && Number.isSafeInteger(s.length) && s.length >= 0 && s.length % 64 === s.tail.length / 2;
    if (!ok) {
      throw new Error('not a SHA-256 state');
    }
    const sha = new Sha256();
    sha.h.set(s.h);
    sha.filled = s.tail.length / 2;
    for (let i = 0; i < sha.filled; i++) {
      sha.block[i] = parseInt(s.tail.slice(i * 2, i * 2 + 2), 16);
    }
    sha.length = s.length;
    return sha;
  }

  /** Ends the message (padding and length) and returns the digest as lowercase hex. */
  hex() {
    const bits = this.length * 8;
    const pad = new Uint8Array(((this.filled < 56 ? 56 : 120) - this.filled) + 8);
    pad[0] = 0x80;
    const view = new DataView(pad.buffer);
    view.setUint32(pad.length - 8, Math.floor(bits / 0x100000000));
    view.setUint32(pad.length - 4, bits >>> 0);
    const length = this.length;
    this.update(pad);
    this.length = length;
    this.done = true;
    let out = '';
    for (const v of this.h) {
      out += v.toString(16).padStart(8, '0');
    }
    return out;
  }

  compress(bytes, at) {
    const w = this.w;
    for (let t = 0; t < 16; t++) {
      const j = at + t * 4;
      w[t] = (bytes[j] << 24) | (bytes[j + 1] << 16) | (bytes[j + 2] << 8) | bytes[j + 3];
    }
    for (let t = 16; t < 64; t++) {
      const a = w[t - 15];
      const b = w[t - 2];
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
    }
    const h = this.h;
    let a = h[0]; let b = h[1]; let c = h[2]; let d = h[3];
    let e = h[4]; let f = h[5]; let g = h[6]; let k = h[7];
    for (let t = 0; t < 64; t++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (k + S1 + ch + K[t] + w[t]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      k = g; g = f; f = e; e = (d + t1) | 0;
      d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d;
    h[4] += e; h[5] += f; h[6] += g; h[7] += k;
  }
}
