// Socket.IO 2.x clients (Engine.IO v3) against current ones (4.x, Engine.IO v4), same server, same load:
// pairs of official Node.js clients in a codelab room; the caller sends `message` (about 200 bytes), the
// answerer sends it back, the caller waits for it and sends the next. Per point: round trips per second,
// mean round trip, and the server's CPU per relayed message (utime + stime from /proc/PID/stat).
//
//   node bench/socketio-v2.mjs NAME=URL@PID [NAME=URL@PID ...]     (bench/socketio-v2.sh starts the servers)
import ioV2 from 'socket.io-client-v2';
import { io as ioV4 } from 'socket.io-client';
import { PAYLOAD, connect, cpu, joinPair, server } from './codelab-clients.mjs';

const ROUND_TRIPS = Number(process.env.ROUND_TRIPS || 3000);
const WARMUP = Number(process.env.WARMUP || 500);
const CLIENTS = { '2.x': ioV2, '4.x': ioV4 };

function cpuTicks(pid) {
  const c = cpu(pid);
  return c.user + c.system; // clock ticks, 100 per second
}

async function point(server, url, pid, callerVersion, answererVersion, transports, room) {
  const caller = await connect(CLIENTS[callerVersion], url, transports);
  const answerer = await connect(CLIENTS[answererVersion], url, transports);
  answerer.on('message', (m) => answerer.emit('message', m));
  await joinPair(caller, answerer, room);
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
  const { name, url, pid } = server(arg);
  for (const transports of [['websocket'], ['polling']]) {
    for (const [a, b] of [['4.x', '4.x'], ['2.x', '2.x'], ['2.x', '4.x']]) {
      await point(name, url, pid, a, b, transports, `bench-v2-${n++}`);
    }
  }
}
