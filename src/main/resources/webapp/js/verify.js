/**
 * Peer verification: a short code derived from the DTLS certificate fingerprints of both ends of one
 * connection. Each end reads its own fingerprint from its local description and the other's from the
 * remote one, so both compute the same code; anybody in the middle terminates DTLS with a certificate
 * of its own, which changes at least one of the two fingerprints and therefore the code.
 */

/** The first `a=fingerprint:` of an SDP as "ALGORITHM HEX" (upper case), or null. */
export function fingerprintOf(sdp) {
  const m = /^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)\s*$/m.exec(sdp ?? '');
  return m ? `${m[1].toLowerCase()} ${m[2].toUpperCase()}` : null;
}

/**
 * The code for two fingerprints, in either order: the first 30 bits of SHA-256 over both (sorted,
 * one per line) as nine digits in three groups ("123 456 789"). Null when either is missing.
 */
export async function codeFor(a, b) {
  if (!a || !b) {
    return null;
  }
  const text = [a, b].sort().join('\n');
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  const n = ((digest[0] << 22) | (digest[1] << 14) | (digest[2] << 6) | (digest[3] >> 2)) >>> 0;
  const digits = String(n % 1e9).padStart(9, '0');
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}

/** The code of a connection whose descriptions are both set, else null. */
export function verificationCode(pc) {
  return codeFor(fingerprintOf(pc.localDescription?.sdp), fingerprintOf(pc.remoteDescription?.sdp));
}
