// Durations as the recording player shows them (webapp/js/player.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration } from '../../../main/resources/webapp/js/player.js';

test('durations read m:ss, and h:mm:ss from an hour', () => {
  assert.equal(formatDuration(0), '0:00');
  assert.equal(formatDuration(0.3), '0:01');
  assert.equal(formatDuration(4.6), '0:05');
  assert.equal(formatDuration(65), '1:05');
  assert.equal(formatDuration(3600 + 62), '1:01:02');
  assert.equal(formatDuration(-3), '0:00');
});
