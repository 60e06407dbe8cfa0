// File rows (webapp/js/file-status.js): one plain sentence per state, figures while in flight, no
// protocol reasons shown as they travel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileStatus, figures, formatDuration, innerReason, Rate } from '../../../main/resources/webapp/js/file-status.js';

const MB = 1024 * 1024;

test('a transfer in flight shows percent, bytes, speed and time left', () => {
  assert.equal(figures(21 * MB, 50 * MB, 4 * MB), '42 % · 21.0 MB of 50.0 MB · 4.0 MB/s · 8 s left');
  assert.equal(figures(0, 50 * MB, 0), '0 % · 0 B of 50.0 MB');
  assert.equal(fileStatus({ state: 'receiving', direction: 'in', bytes: 25 * MB, size: 50 * MB }, 'Ann', 5 * MB),
    'Receiving: 50 % · 25.0 MB of 50.0 MB · 5.0 MB/s · 5 s left');
  assert.equal(formatDuration(125), '2 min 5 s');
  assert.equal(formatDuration(3700), '1 h 1 min');
});

test('the speed is measured over the last seconds and starts again when the bytes go back', () => {
  const r = new Rate();
  assert.equal(r.speed(), 0);
  r.add(0, 0);
  r.add(1000, MB);
  r.add(2000, 2 * MB);
  assert.equal(r.speed(), MB);
  r.add(10000, 10 * MB); // older samples drop out of the 3 s window
  assert.equal(r.speed(), MB);
  r.add(11000, 0); // resumed from an earlier offset
  assert.equal(r.speed(), 0);
});

test('cancel and decline reasons become one plain sentence, never the nested protocol words', () => {
  const nested = 'cancelled by the peer (cancelled by the receiver)';
  assert.equal(innerReason(nested), 'cancelled by the receiver');
  assert.equal(fileStatus({ state: 'cancelled', direction: 'out', error: nested }, 'Ann'), 'Ann cancelled it.');
  assert.equal(fileStatus({ state: 'cancelled', direction: 'in', error: 'cancelled by the receiver' }, 'Ann'), 'You cancelled it.');
  assert.equal(fileStatus({ state: 'cancelled', direction: 'in', error: 'cancelled by the peer (cancelled by the sender)' }, 'Bo'),
    'Bo cancelled it.');
  assert.equal(fileStatus({ state: 'cancelled', direction: 'out', error: 'cancelled by the peer (declined)' }, 'Ann'), 'Ann declined it.');
  assert.equal(fileStatus({ state: 'cancelled', direction: 'out', error: 'cancelled by the peer (declined: not enough storage: 1 MB free, 2 MB needed)' }, 'Ann'),
    'Declined: not enough storage: 1 MB free, 2 MB needed.');
  for (const s of ['offered', 'sent', 'verifying', 'verified', 'failed', 'interrupted', 'cancelled']) {
    const text = fileStatus({ state: s, direction: 'out', bytes: 0, size: 10, error: 'x' }, 'Ann');
    assert.doesNotMatch(text, /cancelled by the peer|null|undefined/, s);
    assert.match(text, /^[A-Z]/, s);
  }
  assert.equal(fileStatus({ state: 'verified', direction: 'in', via: 'server', error: 'via the server' }, 'Ann'),
    'Received and checked (via the server).');
});
