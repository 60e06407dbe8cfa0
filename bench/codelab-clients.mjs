// What the Node.js client benchmarks share (bench/official-client-bench.mjs, bench/socketio-v2.mjs): the
// ICE-candidate-sized payload, a client connected to the end, two clients joined to a codelab room
// (`create or join`), the NAME=URL@PID server arguments and the server's CPU time from /proc/PID/stat.
// The Socket.IO client library is the caller's (`make`: the official 4.x `io` or the 2.x one).
import { readFileSync } from 'node:fs';

export const PAYLOAD = { type: 'candidate', label: 0, id: '0', candidate: 'candidate:1 1 udp 2122260223 192.0.2.10 54321 typ srflx raddr 10.0.0.2 rport 54321 generation 0 ufrag abcd network-id 1' };

/** A client of `make` connected to `url` over `transports` (no reconnection), once connected. */
export function connect(make, url, transports, options = {}) {
  return new Promise((resolve, reject) => {
    const s = make(url, { forceNew: true, reconnection: false, transports, ...options });
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

/** Joins `caller`, then `answerer`, to codelab room `room`; resolves once both are in. */
export async function joinPair(caller, answerer, room) {
  const joined = (s) => new Promise((r) => { s.once('created', r); s.once('joined', r); });
  let j = joined(caller);
  caller.emit('create or join', room);
  await j;
  j = joined(answerer);
  answerer.emit('create or join', room);
  await j;
}

/** A NAME=URL@PID argument: the server's name in the table, its URL and its process (for the CPU time). */
export function server(arg) {
  const m = arg.match(/^([^=]+)=(.+)@(\d+)$/);
  if (!m) throw new Error(`expected NAME=URL@PID, got ${arg}`);
  return { name: m[1], url: m[2], pid: Number(m[3]) };
}

/** The process's CPU time so far: user and system, in clock ticks (100 per second). */
export function cpu(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { user: Number(f[11]), system: Number(f[12]) };
}
