// Peer verification codes (webapp/js/verify.js): the same on both ends, changed by any other certificate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeFor, fingerprintOf } from '../../../main/resources/webapp/js/verify.js';

const A = 'sha-256 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89';
const B = 'sha-256 11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF:11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF';
const M = 'sha-256 11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF:11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FE';

test('the fingerprint is read from an SDP, algorithm lower case and hex upper case', () => {
  const sdp = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\na=fingerprint:SHA-256 ab:cd:ef\r\na=setup:actpass\r\n';
  assert.equal(fingerprintOf(sdp), 'sha-256 AB:CD:EF');
  assert.equal(fingerprintOf('v=0\r\n'), null);
  assert.equal(fingerprintOf(undefined), null);
});

test('both ends get the same code, and a different certificate on either end changes it', async () => {
  const code = await codeFor(A, B);
  assert.match(code, /^\d{3} \d{3} \d{3}$/);
  assert.equal(await codeFor(B, A), code);
  assert.notEqual(await codeFor(A, M), code);
  assert.notEqual(await codeFor(M, B), code);
  assert.equal(await codeFor(A, null), null);
});
