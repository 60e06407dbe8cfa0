// Chunk planning (webapp/js/chunking.js): message sizes from the negotiated maximum, plans, watermarks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as c from '../../../main/resources/webapp/js/chunking.js';

test('the message size follows the negotiated maximum within 16 KiB and 256 KiB', () => {
  assert.equal(c.messageSize(0), 262144); // 0: no limit announced
  assert.equal(c.messageSize(Infinity), 262144);
  assert.equal(c.messageSize(262144), 262144);
  assert.equal(c.messageSize(65536), 65536);
  assert.equal(c.messageSize(1e9), 262144);
  assert.equal(c.messageSize(8000), 8000);
  assert.equal(c.messageSize(undefined), 16384);
});

test('a plan covers the file in order without gaps, the last chunk holding the rest', () => {
  const plan = c.planChunks(100000, 16375);
  assert.equal(plan.length, 7);
  let next = 0;
  for (const p of plan) {
    assert.equal(p.offset, next);
    next += p.length;
  }
  assert.equal(next, 100000);
  assert.equal(plan[6].length, 100000 - 6 * 16375);
  assert.equal(c.planChunks(0, 10).length, 0);
});

test('watermarks scale with the message size', () => {
  assert.deepEqual(c.watermarks(16384), { high: 1048576, low: 524288 });
  assert.deepEqual(c.watermarks(262144), { high: 4194304, low: 2097152 });
});
