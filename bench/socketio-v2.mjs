// Socket.IO 2.x clients (Engine.IO v3) against current ones (4.x, Engine.IO v4), same server, same load:
// pairs of official Node.js clients in a codelab room; the caller sends `message` (about 200 bytes), the
// answerer sends it back, the caller waits for it and sends the next. Per point: round trips per second,
// mean round trip, and the server's CPU per relayed message (utime + stime from /proc/PID/stat).
//
//   node bench/socketio-v2.mjs NAME=URL@PID [NAME=URL@PID ...]     (bench/socketio-v2.sh starts the servers)
import { readFileSync } from 'node:fs';
import ioV2 from 'socket.io-client-v2';
import { io as ioV4 } from 'socket.io-client';

const ROUND_TRIPS = Number(process.env.ROUND_TRIPS || 3000);
const WARMUP = Number(process.env.WARMUP || 500);
const CLIENTS = { '2.x': ioV2, '4.x': ioV4 };
const PAYLOAD = { type: 'candidate', label: 0, id: '0', candidate: 'candidate:1 1 udp 2122260223 192.0.2.10 54321 typ srflx raddr 10.0.0.2 rport 54321 generation 0 ufrag abcd network-id 1' };

function cpuTicks(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks (100 per second)
}

async function connect(make, url, transports) {
  const s = make(url, { forceNew: true, reconnection: false, transports });
  await new Promise((resolve, reject) => { s.once('connect', resolve); s.once('connect_error', reject); });
  return s;
}

async function point(server, url, pid, callerVersion, answererVersion, transports, room) {
  const caller = await connect(CLIENTS[callerVersion], url, transports);
  const answerer = await connect(CLIENTS[answererVersion], url, transports);
  answerer.on('message', (m) => answerer.emit('message', m));
  const joined = (s) => new Promise((r) => { s.once('created', r); s.once('joined', r); });
  let j = joined(caller);
  caller.emit('create or join', room);
  await j;
  j = joined(answerer);
  answerer.emit('create or join', room);
  await j;
  const roundTrip = () => new Promise((r) => { caller.once('message', r); caller.emit('message', PAYLOAD); });
  for (let i = 0; i < WARMUP; i++) await roundTrip();
  const cpu0 = cpuTicks(pid);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ROUND_TRIPS; i++) await roundTrip();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpuMs = (cpuTicks(pid) - cpu0) * 10;
  caller.close();
  answerer.close();
  const relayed = ROUND_TRIPS * 2;
  console.log([server.padEnd(12), `${callerVersion} <-> ${answererVersion}`.padEnd(12), transports.join('+').padEnd(10),
    `${(ROUND_TRIPS / ms * 1000).toFixed(0).padStart(6)} round trips/s`,
    `${(ms / ROUND_TRIPS * 1000).toFixed(0).padStart(6)} us each`,
    `server CPU ${(cpuMs * 1000 / relayed).toFixed(0).padStart(5)} us/message`].join('  '));
}

let n = 0;
for (const arg of process.argv.slice(2)) {
  const [, name, url, pid] = arg.match(/^([^=]+)=(.+)@(\d+)$/);
  for (const transports of [['websocket'], ['polling']]) {
    for (const [a, b] of [['4.x', '4.x'], ['2.x', '2.x'], ['2.x', '4.x']]) {
      await point(name, url, Number(pid), a, b, transports, `bench-v2-${n++}`);
    }
  }
}
