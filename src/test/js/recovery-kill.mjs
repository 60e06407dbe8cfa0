// Connection state recovery across nodes, with the official npm socket.io-client 4.8, while a node is
// killed with -9 under load. Driven by RecoveryAcrossNodesTest (JUnit), which runs the nodes, Redis and
// nginx, and talks to this script by lines of JSON: this script writes events on stdout (one object a
// line; anything else goes to stderr), the test writes commands on stdin.
//
//   env SB_NGINX         nginx in front of the nodes (every victim connects through it, from 127.0.0.1,
//                        so they all land on one node)
//   env SB_VICTIMS       victims that should recover (100); SB_LATE more that come back only after
//                        SB_LATE_DELAY_MS, when the dead node's members were swept (5)
//   env SB_AFTER_KILL_MS how long the load goes on after the kill (5000)
//   env SB_SWEPT_MS      time after the kill by which the dead node's members have surely been swept
//                        (node TTL + heartbeat + a margin)
//
//   -> {"event":"victims"}                      all victims connected, each alone in its codelab room
//   <- {"cmd":"partners","urls":[...]}          the nodes the victims are NOT on (partners connect there)
//   -> {"event":"warm", ...}                    partners in the rooms, load on, every victim receiving
//   <- {"cmd":"killed","at":EPOCH_MS}           the victims' node was killed with -9 at that time
//                                               (with "cut":true: not killed, cut every victim's transport
//                                               now instead, which recovery on one node handles)
//   -> {"event":"result", ...}                  the figures (see result() below)
//   <- {"cmd":"close"} (or end of input)        close every socket and exit
import { io } from 'socket.io-client';
import readline from 'node:readline';

const env = (name, dflt) => (process.env[name] === undefined ? dflt : Number(process.env[name]));
const NGINX = process.env.SB_NGINX;
const VICTIMS = env('SB_VICTIMS', 100);
const LATE = env('SB_LATE', 5);
const PARTNER_EVERY_MS = env('SB_PARTNER_EVERY_MS', 100); // ~10 messages a second per partner
const VICTIM_EVERY_MS = env('SB_VICTIM_EVERY_MS', 500);
const AFTER_KILL_MS = env('SB_AFTER_KILL_MS', 5000);
const SWEPT_MS = env('SB_SWEPT_MS', 12500);
const LATE_DELAY_MS = env('SB_LATE_DELAY_MS', SWEPT_MS + 1500);
const WARM_MS = env('SB_WARM_MS', 3000); // at least, before the kill
const ACK_TIMEOUT_MS = 5000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const emit = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
const log = (...a) => console.error(new Date().toISOString(), ...a);

async function until(what, check, ms) {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(20)) {
    if (check()) return true;
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

// Commands from the test, one JSON object a line.
const commands = [];
let waiting = null;
let inputEnded = false;
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (!line.trim()) return;
  commands.push(JSON.parse(line));
  if (waiting) waiting();
}).on('close', () => {
  inputEnded = true;
  if (waiting) waiting();
});
async function command(name) {
  for (;;) {
    const i = commands.findIndex((c) => c.cmd === name);
    if (i >= 0) return commands.splice(i, 1)[0];
    if (inputEnded) throw new Error(`input ended while waiting for "${name}"`);
    await new Promise((r) => { waiting = r; });
    waiting = null;
  }
}

/** What one socket saw: connects (time, id, recovered), disconnects (time, reason), events. */
function track(socket, who) {
  who.connects = [];
  who.disconnects = [];
  who.connectErrors = 0;
  socket.on('connect', () => who.connects.push({ at: Date.now(), id: socket.id, recovered: socket.recovered === true }));
  socket.on('disconnect', (reason) => who.disconnects.push({ at: Date.now(), reason }));
  socket.on('connect_error', () => { who.connectErrors++; });
  return socket;
}

const firstConnect = (socket) => new Promise((resolve, reject) => {
  socket.once('connect', resolve);
  socket.once('connect_error', (e) => reject(new Error(`connect_error: ${e.message}`)));
});

/** The first of `events` the socket gets, with its arguments. */
const nextOf = (socket, events, ms) => new Promise((resolve, reject) => {
  const handlers = {};
  const done = (fn) => { clearTimeout(timer); for (const e of events) socket.off(e, handlers[e]); fn(); };
  const timer = setTimeout(() => done(() => reject(new Error(`none of ${events} within ${ms} ms`))), ms);
  for (const e of events) {
    handlers[e] = (...args) => done(() => resolve([e, ...args]));
    socket.on(e, handlers[e]);
  }
});

// ---- victims: through nginx, each creating its room ----------------------------------------------
const transportOf = (i) => (i % 10 === 0 ? ['polling'] : i % 10 === 5 ? ['polling', 'websocket'] : ['websocket']);
const victims = [];
for (let i = 0; i < VICTIMS + LATE; i++) {
  const late = i >= VICTIMS;
  const v = {
    i, late, room: `rk-${i}`, transports: transportOf(i).join('+'),
    got: [], gotProbe: 0, sent: { acked: [], ackedAt: [], refused: {}, failed: 0 }, vseq: 0,
  };
  const opts = { forceNew: true, transports: transportOf(i), timeout: 5000 };
  if (late) Object.assign(opts, { reconnectionDelay: LATE_DELAY_MS, reconnectionDelayMax: LATE_DELAY_MS, randomizationFactor: 0 });
  v.socket = track(io(NGINX, opts), v);
  v.socket.on('message', (m) => {
    if (m && typeof m === 'object' && Number.isInteger(m.seq)) v.got.push(m.seq);
    else if (m && m.probe) v.gotProbe++;
  });
  victims.push(v);
}
await Promise.all(victims.map(async (v) => {
  await firstConnect(v.socket);
  v.socket.emit('create or join', v.room);
  const [e] = await nextOf(v.socket, ['created', 'joined', 'full'], 10000);
  if (e !== 'created') throw new Error(`victim ${v.i}: ${e} instead of created for ${v.room}`);
  v.idBefore = v.socket.id;
  v.pidBefore = v.socket._pid;
}));
if (!victims.every((v) => typeof v.pidBefore === 'string')) throw new Error('a CONNECT answer without pid: recovery is off');
log(`${victims.length} victims connected through ${NGINX}`);
emit({ event: 'victims', count: victims.length });

// ---- partners: straight to the other nodes, joining the victims' rooms ------------------------------
const { urls } = await command('partners');
const partners = await Promise.all(victims.map(async (v) => {
  const p = { i: v.i, url: urls[v.i % urls.length], got: [], gotProbe: 0, byes: [], seq: 0,
    sent: { acked: [], ackedAt: [], refused: {}, failed: 0 }, pending: 0 };
  p.socket = track(io(p.url, { forceNew: true, transports: ['websocket'], reconnection: false, timeout: 5000 }), p);
  p.socket.on('message', (m) => {
    if (m && typeof m === 'object' && Number.isInteger(m.vseq)) p.got.push(m.vseq);
    else if (m && m.vprobe) p.gotProbe++;
    else if (m === 'bye') p.byes.push({ at: Date.now(), message: 'bye' }); // the codelab's hang-up
  });
  p.socket.on('bye', (room, id) => p.byes.push({ at: Date.now(), room, id }));
  await firstConnect(p.socket);
  const ready = nextOf(v.socket, ['ready'], 10000);
  p.socket.emit('create or join', v.room);
  const [e] = await nextOf(p.socket, ['joined', 'created', 'full'], 10000);
  if (e !== 'joined') throw new Error(`partner ${v.i} at ${p.url}: ${e} instead of joined for ${v.room}`);
  await ready;
  return p;
}));
log(`${partners.length} partners joined through ${urls.join(', ')}`);

/** Sends with an ack; `sent` counts what the server acknowledged ok, refused (by code) or never answered. */
function send(socket, sent, seq, payload, tally) {
  if (tally) tally.pending++;
  const at = Date.now();
  socket.timeout(ACK_TIMEOUT_MS).emit('message', payload, (err, res) => {
    if (tally) tally.pending--;
    if (err) sent.failed++;
    else if (res && res.ok === true) {
      sent.acked.push(seq);
      sent.ackedAt.push(at);
    }
    else {
      const code = (res && res.error && (res.error.code || res.error)) || JSON.stringify(res);
      sent.refused[code] = (sent.refused[code] || 0) + 1;
    }
  });
}

let loadOn = true;
const partnerLoad = setInterval(() => {
  if (!loadOn) return;
  for (const p of partners) {
    if (p.socket.connected) send(p.socket, p.sent, p.seq, { seq: p.seq++ }, p);
  }
}, PARTNER_EVERY_MS);
const victimLoad = setInterval(() => {
  if (!loadOn) return;
  for (const v of victims) send(v.socket, v.sent, v.vseq, { vseq: v.vseq++ }, null); // buffered while away
}, VICTIM_EVERY_MS);

const loadFrom = Date.now();
await until('every victim to receive 5 messages and every partner 2',
  () => victims.every((v) => v.got.length >= 5) && partners.every((p) => p.got.length >= 2), 30000);
await sleep(Math.max(0, loadFrom + WARM_MS - Date.now()));
emit({ event: 'warm', partnerMessagesAcked: partners.reduce((n, p) => n + p.sent.acked.length, 0) });

// ---- the kill -----------------------------------------------------------------------------------
const { at: killedAt, cut } = await command('killed');
if (cut) {
  // The harness's own check: no kill, every victim's transport cut instead (it comes back to its node).
  for (const v of victims) v.socket.io.engine.close();
  log('victims\' transports cut');
} else {
  log(`victims' node killed at ${new Date(killedAt).toISOString()}`);
}
await sleep(Math.max(0, killedAt + AFTER_KILL_MS - Date.now()));
loadOn = false;
clearInterval(partnerLoad);
clearInterval(victimLoad);
const stoppedAt = Date.now();

const back = (v) => v.connects.find((c) => c.at >= killedAt);
const recovered = (v) => { const c = back(v); return !!c && c.recovered && c.id === v.idBefore; };
const missing = (v, p) => { const got = new Set(v.got); return p.sent.acked.filter((s) => !got.has(s)); };
// The tail: every ack answered, and everything acknowledged to a recovered victim received (or 8 s).
try {
  await until('the tail', () => partners.every((p) => p.pending === 0)
    && victims.every((v, k) => !recovered(v) || missing(v, partners[k]).length === 0), 8000);
} catch (e) {
  log(e.message);
}
const drainedMs = Date.now() - stoppedAt;

// After the dead node's members were swept, a recovered session is still in its room both ways.
await sleep(Math.max(0, killedAt + SWEPT_MS - Date.now()));
const probed = victims.filter((v) => !v.late && recovered(v));
for (const v of probed) {
  const p = partners[v.i];
  const ignored = { acked: [], ackedAt: [], refused: {}, failed: 0 };
  send(p.socket, ignored, -1, { probe: true }, null);
  send(v.socket, ignored, -1, { vprobe: true }, null);
}
await until('the probes', () => probed.every((v) => v.gotProbe > 0 && partners[v.i].gotProbe > 0), 3000).catch((e) => log(e.message));

// The late ones come back after the sweep: a new session, and their room takes them as new members.
const lates = victims.filter((v) => v.late);
await until('the late victims to reconnect', () => lates.every((v) => back(v) && v.connects.at(-1).at > killedAt + SWEPT_MS),
  LATE_DELAY_MS + 10000).catch((e) => log(e.message));
await Promise.all(lates.filter((v) => v.socket.connected).map(async (v) => {
  v.socket.emit('create or join', v.room);
  try {
    [v.rejoin] = await nextOf(v.socket, ['joined', 'created', 'full'], 5000);
  } catch (e) {
    v.rejoin = e.message;
  }
}));

// ---- figures ------------------------------------------------------------------------------------
const first = (a, n = 10) => (a.length > n ? [...a.slice(0, n), `... ${a.length - n} more`] : a);
function order(seqs) {
  const seen = new Set();
  let duplicates = 0;
  let outOfOrder = 0;
  let last = -Infinity;
  for (const s of seqs) {
    if (seen.has(s)) duplicates++;
    else if (s < last) outOfOrder++;
    seen.add(s);
    last = Math.max(last, s);
  }
  return { duplicates, outOfOrder };
}
const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);
const result = victims.map((v, k) => {
  const p = partners[k];
  const c = back(v);
  const ackedToVictim = new Set(p.sent.acked);
  const gotByPartner = new Set(p.got);
  return {
    i: v.i,
    late: v.late,
    transports: v.transports,
    idBefore: v.idBefore,
    idAfter: c ? c.id : null,
    recovered: c ? c.recovered : false,
    reconnectMs: c ? c.at - killedAt : null,
    reconnects: v.connects.filter((x) => x.at >= killedAt).length,
    disconnects: v.disconnects.map((d) => `${d.at - killedAt} ms: ${d.reason}`),
    connectErrors: v.connectErrors,
    // partner -> victim
    partnerAcked: p.sent.acked.length,
    partnerAckedAfterKill: p.sent.ackedAt.filter((t) => t >= killedAt).length,
    partnerRefused: p.sent.refused,
    partnerUnanswered: p.sent.failed,
    received: v.got.length,
    missing: first(missing(v, p)),
    missingCount: missing(v, p).length,
    ...order(v.got),
    refusedButReceived: v.got.filter((s) => !ackedToVictim.has(s)).length,
    // victim -> partner
    victimAcked: v.sent.acked.length,
    victimRefused: v.sent.refused,
    victimUnanswered: v.sent.failed,
    partnerReceived: p.got.length,
    partnerMissing: first(v.sent.acked.filter((s) => !gotByPartner.has(s))),
    partnerDuplicates: order(p.got).duplicates,
    partnerOutOfOrder: order(p.got).outOfOrder,
    // the room
    partnerDisconnects: p.disconnects.map((d) => d.reason),
    byes: p.byes.map((b) => ({ afterKillMs: b.at - killedAt, ...(b.message ? { message: b.message } : { room: b.room, id: b.id }) })),
    probe: v.late || !recovered(v) ? null : { toVictim: v.gotProbe > 0, toPartner: p.gotProbe > 0 },
    rejoin: v.late ? v.rejoin || null : null,
  };
});
emit({
  event: 'result', killedAt, loadStoppedAfterKillMs: stoppedAt - killedAt, drainedMs,
  partnerAcked: result.reduce((n, r) => n + r.partnerAcked, 0),
  partnerAckedAfterKill: result.reduce((n, r) => n + r.partnerAckedAfterKill, 0),
  partnerRefused: result.reduce((n, r) => n + sum(r.partnerRefused), 0),
  partnerUnanswered: result.reduce((n, r) => n + r.partnerUnanswered, 0),
  victimRefused: result.reduce((n, r) => n + sum(r.victimRefused), 0),
  victims: result,
});

await command('close').catch(() => {});
for (const s of [...victims, ...partners]) s.socket.close();
process.exit(0);
