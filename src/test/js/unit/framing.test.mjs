// The transfer framing (webapp/js/framing.js): pure, so it runs in Node as the page loads it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as f from '../../../main/resources/webapp/js/framing.js';

const refusal = (fn) => {
  try {
    fn();
    return 'accepted';
  } catch (e) {
    return e.name === 'FramingError' ? e.message : `${e.name}: ${e.message}`;
  }
};

test('a chunk frame round-trips its slot, offset and bytes', () => {
  const c = f.decodeChunk(f.encodeChunk(0xfffffffe, 123456, new Uint8Array([1, 2, 3, 250])));
  assert.equal(c.slot, 0xfffffffe);
  assert.equal(c.offset, 123456);
  assert.deepEqual([...c.bytes], [1, 2, 3, 250]);
});

test('a bad chunk frame is refused with a FramingError', () => {
  for (const bad of [new ArrayBuffer(9), new Uint8Array([2, 0, 0, 0, 1, 0, 0, 0, 0, 7]).buffer, 'text']) {
    assert.throws(() => f.decodeChunk(bad), { name: 'FramingError' });
  }
  assert.throws(() => f.encodeChunk(-1, 0, new Uint8Array([1])), { name: 'FramingError' });
});

test('a file offer takes any media type up to 4 GiB and an accept needs an offset', () => {
  const sha = 'cd'.repeat(32);
  const offer = (o) => f.decodeControl(JSON.stringify(
    { t: 'offer', id: 'x1', slot: 1, name: '../a.pdf', type: 'application/pdf', size: 5, sha256: sha, chunk: 0, ...o }));
  assert.deepEqual(offer({}), { t: 'offer', id: 'x1', slot: 1, name: 'a.pdf', type: 'application/pdf', size: 5, sha256: sha, chunk: 0 });
  assert.equal(offer({ type: '<script>' }).type, 'application/octet-stream');
  assert.equal(offer({ size: 0xffffffff }).size, 4294967295);
  assert.throws(() => offer({ size: 0x100000000 }), { name: 'FramingError' });
  assert.throws(() => offer({ sha256: 'nope' }), { name: 'FramingError' });
  const accept = (from) => f.decodeControl(JSON.stringify({ t: 'accept', id: 'x1', from }));
  assert.equal(accept(7).from, 7);
  assert.throws(() => accept(-1), { name: 'FramingError' });
  assert.throws(() => accept('3'), { name: 'FramingError' });
});

test('control messages are validated, cleaned and stripped of unknown fields', () => {
  const sha = 'ab'.repeat(32);
  const ok = f.decodeControl(JSON.stringify({ t: 'file', id: 'x1', slot: 3, name: '../../etc/pa\u0000sswd',
    type: 'image/jpeg', size: 10, sha256: sha, chunk: 16384, extra: 'dropped' }));
  assert.equal(ok.name, 'passwd');
  assert.equal('extra' in ok, false);
  const base = { t: 'file', id: 'x1', slot: 3, name: 'a.jpg', type: 'image/jpeg', size: 10, sha256: sha };
  const refuse = (m, max) => refusal(() => f.decodeControl(typeof m === 'string' ? m : JSON.stringify(m), max));
  assert.equal(refuse({ ...base, sha256: 'AB'.repeat(32) }), 'sha256 must be 64 lower-case hex digits');
  assert.equal(refuse({ ...base, size: 11 }, 10), 'photo too large (11 bytes, limit 10)');
  assert.equal(refuse({ ...base, size: 0 }), 'size must be a positive integer');
  assert.equal(refuse({ ...base, type: 'text/html' }), 'type must be an image media type');
  assert.equal(refuse({ ...base, id: 'a/b' }), 'bad transfer id');
  assert.equal(refuse({ t: 'explode', id: 'x' }), 'unknown control message explode');
  assert.equal(refuse('{'), 'control message is not JSON');
  assert.deepEqual(f.decodeControl('{"t":"cancel","id":"q"}'), { t: 'cancel', id: 'q', reason: 'cancelled' });
});

test('hello carries a client id and an offer may name its sender\'s client', () => {
  const sha = 'ab'.repeat(32);
  const offer = { t: 'offer', id: 'x1', slot: 1, name: 'a.bin', type: 'application/zip', size: 5, sha256: sha, chunk: 0 };
  assert.equal(f.decodeControl(JSON.stringify({ ...offer, client: 'Client_1-x' })).client, 'Client_1-x');
  assert.equal('client' in f.decodeControl(JSON.stringify(offer)), false);
  assert.deepEqual(f.decodeControl(JSON.stringify({ t: 'hello', id: 'Client_1-x', extra: 1 })), { t: 'hello', id: 'Client_1-x' });
  for (const bad of [{ ...offer, client: 'bad id!' }, { ...offer, client: 7 }, { t: 'hello', id: 'a/b' }, { t: 'hello' }]) {
    assert.throws(() => f.decodeControl(JSON.stringify(bad)), { name: 'FramingError' });
  }
});
