// Signaling cost with the official Node.js client (npm socket.io-client 4.8) as the load generator, against
// several servers in one run. Per room two clients join with the codelab protocol (`create or join`); the
// caller sends a `message` the size of an ICE candidate (about 200 bytes), the answerer sends it back, and
// the caller sends the next as soon as it is back (closed loop). Per point: relayed messages per second,
// round-trip p50/p99, and the server's CPU per relayed message (utime + stime from /proc/PID/stat over the
// measured window, "of which kernel" = stime share), then each server's ratio to the first one named.
//
//   node bench/official-client-bench.mjs [--rooms 1,200,1000] [--warmup-s 5] [--measure-s 10] [--repeat 1]
//        [--procs 2] [--transports upgrade|websocket] NAME=URL@PID [NAME=URL@PID ...]
//
// The first NAME is the baseline of the ratios (bench/official-client-bench.sh passes node first). The clients
// are spread over --procs worker processes (child processes of this script). `upgrade` (the default) is what a
// browser's client does: long-polling first, then the WebSocket upgrade; `websocket` opens the WebSocket at once.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { PAYLOAD, connect as connectWith, cpu, joinPair, server } from './codelab-clients.mjs';


// ---- worker: owns some rooms, answers the parent's commands --------------------------------------------

function worker() {
  let pairs = [];
  let running = false;
  let received = 0;
  let rtts = [];

  const connect = (url, transports) => connectWith(io, url, transports, { timeout: 60000 });
  const upgraded = (s) => new Promise((r) => {
    if (s.io.engine.transport.name === 'websocket') { r(); return; }
    s.io.engine.once('upgrade', () => r());
  });

  async function setup({ url, rooms, prefix, transports }) {
    const t = transports === 'websocket' ? ['websocket'] : ['polling', 'websocket'];
    for (let i = 0; i < rooms; i++) {
      const caller = await connect(url, t);
      const answerer = await connect(url, t);
      await joinPair(caller, answerer, `${prefix}-${i}`);
      await Promise.all([upgraded(caller), upgraded(answerer)]);
      const pair = { caller, answerer, sent: 0n };
      answerer.on('message', (m) => {
        received++;
        answerer.emit('message', m);
      });
      caller.on('message', () => {
        received++;
        rtts.push(Number(process.hrtime.bigint() - pair.sent));
        if (running) send(pair);
      });
      pairs.push(pair);
    }
  }

  function send(pair) {
    pair.sent = process.hrtime.bigint();
    pair.caller.emit('message', PAYLOAD);
  }

  process.on('message', async (cmd) => {
    try {
      if (cmd.op === 'setup') {
        await setup(cmd);
      } else if (cmd.op === 'go') {
        running = true;
        for (const p of pairs) send(p);
      } else if (cmd.op === 'mark') {
        received = 0;
        rtts = [];
      } else if (cmd.op === 'report') {
        const r = received;
        const sorted = Float64Array.from(rtts).sort();
        process.send({ op: 'report', received: r, rtts: [q(sorted, 0.5), q(sorted, 0.99)] });
        return;
      } else if (cmd.op === 'stop') {
        running = false;
        await new Promise((r) => setTimeout(r, 300)); // let the last round trips finish
        for (const p of pairs) { p.caller.close(); p.answerer.close(); }
        pairs = [];
      } else if (cmd.op === 'exit') {
        process.exit(0);
      }
      process.send({ op: cmd.op });
    } catch (e) {
      process.send({ op: 'error', error: String(e && e.stack || e) });
    }
  });
}

function q(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
}

// ---- main: starts the workers, runs the points, prints the table --------------------------------------

function options() {
  const o = { rooms: '1,200,1000', 'warmup-s': '5', 'measure-s': '10', repeat: '1', procs: '2', transports: 'upgrade' };
  const servers = [];
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i++) {
    if (a[i].startsWith('--')) {
      const k = a[i].slice(2);
      if (!(k in o)) throw new Error(`unknown option ${a[i]}`);
      o[k] = a[++i];
    } else {
      servers.push(server(a[i]));
    }
  }
  if (servers.length === 0) throw new Error('no server given');
  return { rooms: o.rooms.split(',').map(Number), warmup: Number(o['warmup-s']), measure: Number(o['measure-s']),
    repeat: Number(o.repeat), procs: Number(o.procs), transports: o.transports, servers };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const opt = options();
  const workers = [];
  for (let i = 0; i < opt.procs; i++) {
    const w = fork(fileURLToPath(import.meta.url), ['--worker'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    w.waiting = [];
    w.on('message', (m) => {
      if (m.op === 'error') { console.error(`worker ${i}: ${m.error}`); process.exit(1); }
      const next = w.waiting.shift();
      if (next) next(m);
    });
    workers.push(w);
  }
  process.on('exit', () => { for (const w of workers) w.kill(); });
  const all = (cmd) => Promise.all(workers.map((w) => new Promise((r) => { w.waiting.push(r); w.send(cmd); })));

  console.log(`official client (socket.io-client 4.8), ${opt.procs} client processes, transports ${opt.transports}, `
    + `warm-up ${opt.warmup} s, window ${opt.measure} s`);
  console.log('rooms  server        msg/s    p50 ms   p99 ms   CPU us/msg  kernel');
  const results = [];
  let n = 0;
  for (let round = 0; round < opt.repeat; round++) {
    for (const rooms of opt.rooms) {
      // Each round starts with another server, so that none is always measured first or last.
      const order = opt.servers.map((_, i) => opt.servers[(i + round) % opt.servers.length]);
      for (const s of order) {
        // Rooms split over the workers (a room's two clients in the same worker).
        const share = workers.map((_, i) => Math.floor(rooms / opt.procs) + (i < rooms % opt.procs ? 1 : 0));
        await Promise.all(workers.map((w, i) => share[i] === 0 ? null : new Promise((r) => {
          w.waiting.push(r);
          w.send({ op: 'setup', url: s.url, rooms: share[i], prefix: `oc-${n}-${i}`, transports: opt.transports });
        })));
        n++;
        await all({ op: 'go' });
        await sleep(opt.warmup * 1000);
        await all({ op: 'mark' });
        const c0 = cpu(s.pid);
        const t0 = process.hrtime.bigint();
        await sleep(opt.measure * 1000);
        const reports = await all({ op: 'report' });
        const c1 = cpu(s.pid);
        const secs = Number(process.hrtime.bigint() - t0) / 1e9;
        await all({ op: 'stop' });
        const received = reports.reduce((x, r) => x + r.received, 0);
        const p50 = Math.max(...reports.map((r) => r.rtts[0]).filter((x) => !Number.isNaN(x)));
        const p99 = Math.max(...reports.map((r) => r.rtts[1]).filter((x) => !Number.isNaN(x)));
        const ticks = (c1.user - c0.user) + (c1.system - c0.system);
        const us = ticks * 10000 / received;
        const kernel = ticks ? (c1.system - c0.system) / ticks : 0;
        results.push({ round, rooms, server: s.name, us });
        console.log([String(rooms).padStart(5), s.name.padEnd(12), (received / secs).toFixed(0).padStart(8),
          p50.toFixed(2).padStart(8), p99.toFixed(2).padStart(8), us.toFixed(1).padStart(11),
          `${(kernel * 100).toFixed(0).padStart(5)} %`].join('  '));
        await sleep(1000);
      }
      const base = results.find((r) => r.round === round && r.rooms === rooms && r.server === opt.servers[0].name);
      for (const s of opt.servers.slice(1)) {
        const r = results.find((x) => x.round === round && x.rooms === rooms && x.server === s.name);
        console.log(`ratio ${s.name}/${base.server} CPU per message at ${rooms} rooms: ${(r.us / base.us).toFixed(2)}`);
      }
    }
  }
  if (opt.repeat > 1) {
    // Over rounds, the spread is the figure to read: two identical servers in one round can differ by 1.5x here.
    console.log(`ratios over ${opt.repeat} rounds (min / median / max)`);
    for (const rooms of opt.rooms) {
      for (const s of opt.servers.slice(1)) {
        const ratios = [];
        for (let round = 0; round < opt.repeat; round++) {
          const at = (name) => results.find((x) => x.round === round && x.rooms === rooms && x.server === name);
          ratios.push(at(s.name).us / at(opt.servers[0].name).us);
        }
        ratios.sort((x, y) => x - y);
        const mid = ratios.length % 2 ? ratios[(ratios.length - 1) / 2]
          : (ratios[ratios.length / 2 - 1] + ratios[ratios.length / 2]) / 2;
        console.log(`  ${String(rooms).padStart(5)} rooms  ${s.name.padEnd(12)} ${ratios[0].toFixed(2)} / ${mid.toFixed(2)}`
          + ` / ${ratios[ratios.length - 1].toFixed(2)}`);
      }
    }
  }
  await all({ op: 'exit' }).catch(() => {});
}

if (process.argv[2] === '--worker') {
  worker();
} else {
  main().catch((e) => { console.error(e); process.exit(1); });
}
