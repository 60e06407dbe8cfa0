// Hashing and type sniffing (webapp/js/sha256.js, hash.js, imagetype.js), checked against Node's crypto.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Sha256 } from '../../../main/resources/webapp/js/sha256.js';
import { randomId, sha256Hex } from '../../../main/resources/webapp/js/hash.js';
import { sniffImageType } from '../../../main/resources/webapp/js/imagetype.js';

const reference = (bytes) => createHash('sha256').update(bytes).digest('hex');

function seeded(n, seed) {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

test('the incremental SHA-256 matches the reference at every block boundary and in pieces', () => {
  for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 300001]) {
    const data = seeded(n, n + 1);
    assert.equal(new Sha256().update(data).hex(), reference(data), `length ${n}`);
    const h = new Sha256();
    for (let at = 0; at < n; at += 977) h.update(data.subarray(at, Math.min(n, at + 977)));
    assert.equal(h.hex(), reference(data), `length ${n} in pieces`);
  }
});

test('its state survives JSON and continues to the same digest; malformed states are refused', () => {
  const data = new Uint8Array(1000).map((_, i) => (i * 7919) & 255);
  const whole = reference(data);
  for (const cut of [0, 1, 63, 64, 65, 500, 999, 1000]) {
    const saved = JSON.parse(JSON.stringify(new Sha256().update(data.subarray(0, cut)).exportState()));
    assert.equal(Sha256.importState(saved).update(data.subarray(cut)).hex(), whole, `cut at ${cut}`);
  }
  for (const bad of [null, {}, { v: 1, h: [1], tail: '', length: 0 },
    { v: 1, h: [0, 0, 0, 0, 0, 0, 0, 0], tail: 'zz', length: 1 },
    { v: 1, h: [0, 0, 0, 0, 0, 0, 0, 0], tail: 'ab', length: 2 }]) {
    assert.throws(() => Sha256.importState(bad), undefined, JSON.stringify(bad));
  }
});

test('the Web Crypto helper hashes arrays and blobs; ids are URL-safe', async () => {
  const data = seeded(300001, 7);
  assert.equal(await sha256Hex(data), reference(data));
  assert.equal(await sha256Hex(new Blob([data])), reference(data));
  assert.equal(await sha256Hex(new Uint8Array(0)), reference(new Uint8Array(0)));
  assert.match(randomId(16), /^[A-Za-z0-9_-]{22}$/);
});

test('image types are sniffed from magic bytes, anything else is null', () => {
  const sniff = (a) => sniffImageType(new Uint8Array(a));
  assert.equal(sniff([0xff, 0xd8, 0xff, 0xe0]), 'image/jpeg');
  assert.equal(sniff([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'image/png');
  assert.equal(sniff([0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x45, 0x42, 0x50]), 'image/webp');
  assert.equal(sniff([0x47, 0x49, 0x46, 0x38, 0x39, 0x61]), 'image/gif');
  assert.equal(sniff([0x3c, 0x68, 0x74, 0x6d]), null);
  assert.equal(sniff([0xff, 0xd8]), null);
});
