/** SHA-256 (FIPS 180-4) of photo bytes through Web Crypto, as lower-case hex. */

/** Lower-case hex of an ArrayBuffer or typed array. */
export function toHex(bytes) {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes.buffer ?? bytes,
    bytes.byteOffset ?? 0, bytes.byteLength);
  let s = '';
  for (let i = 0; i < u8.length; i++) {
    s += u8[i].toString(16).padStart(2, '0');
  }
  return s;
}

/** SHA-256 of an ArrayBuffer, typed array or Blob, as 64 lower-case hex digits. */
export async function sha256Hex(data) {
  const buffer = data instanceof Blob ? await data.arrayBuffer() : data;
  return toHex(await crypto.subtle.digest('SHA-256', buffer));
}

/** A random id of {@code bytes} bytes in base64url (no padding): unguessable names and transfer ids. */
export function randomId(bytes = 16) {
  const u8 = crypto.getRandomValues(new Uint8Array(bytes));
  let bin = '';
  for (const b of u8) {
    bin += String.fromCharCode(b);
  }
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
