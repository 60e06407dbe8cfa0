// Connection state recovery with the official Node.js Socket.IO client (npm socket.io-client 4.8).
// Run by RecoveryClientTest (JUnit), which starts a real Switchboard and passes:
//   SB_URL:          its URL; signaling.recovery-window is SB_WINDOW_MS milliseconds
//   SB_WINDOW_MS:    the recovery window
//   SB_MAX_PACKETS:  signaling.recovery-max-packets
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { io } from 'socket.io-client';

const SERVER = process.env.SB_URL;
const WINDOW_MS = Number(process.env.SB_WINDOW_MS);
const MAX_PACKETS = Number(process.env.SB_MAX_PACKETS);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Connects; `seen` holds every event as [event, ...args] (the offset included), from the start. */
function connect(opts = {}) {
  const socket = io(SERVER, { forceNew: true, reconnection: false, timeout: 5000, ...opts });
  socket.seen = [];
  socket.onAny((event, ...args) => socket.seen.push([event, ...args]));
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => { socket.close(); reject(err); });
  });
}

/** A client that reconnects after exactly `delay` ms. */
const reconnecting = (transports, delay) => ({
  transports, reconnection: true, reconnectionDelay: delay, reconnectionDelayMax: delay, randomizationFactor: 0,
});

async function until(what, check, ms = 5000) {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(10)) {
    if (check()) return;
  }
  assert.fail(`no ${what} within ${ms} ms`);
}

const nextConnect = (socket) => new Promise((resolve) => socket.once('connect', resolve));

for (const transport of ['websocket', 'polling']) {
  test(`mesh over ${transport}: a cut client recovers with every signal it missed, once and in order`, async () => {
    const room = `csr-mesh-${transport}`;
    const a = await connect(reconnecting([transport], 400));
    const b = await connect({ transports: [transport] });
    try {
      assert.equal(typeof a._pid, 'string', 'the CONNECT answer carries a pid');
      assert.equal((await a.emitWithAck('join', { room, name: 'Ada' })).ok, true);
      assert.equal((await b.emitWithAck('join', { room, name: 'Bob' })).ok, true);
      await until('peer-joined', () => a.seen.some(([e]) => e === 'peer-joined'));
      const [, joinedMsg, offset] = a.seen.find(([e]) => e === 'peer-joined');
      assert.equal(joinedMsg.id, b.id);
      assert.equal(typeof offset, 'string', 'a server event carries an offset as its last argument');
      const id = a.id;
      const before = a.seen.length;

      const back = nextConnect(a);
      a.io.engine.close(); // the transport goes; the client reconnects 400 ms later
      for (let n = 0; n < 20; n++) {
        const res = await b.emitWithAck('signal', { room, to: id, data: { n } });
        assert.deepEqual(res, { ok: true }, 'a peer away but recoverable is still in the room');
      }
      await back;
      assert.equal(a.recovered, true, 'socket.recovered');
      assert.equal(a.id, id, 'same socket id');
      await until('20 signals', () => a.seen.length - before >= 20);
      await b.emitWithAck('signal', { room, to: id, data: { n: 20 } });
      await until('the live signal', () => a.seen.length - before >= 21);
      await sleep(100);
      const got = a.seen.slice(before);
      assert.deepEqual(got.map(([e]) => e), Array(21).fill('signal'));
      assert.deepEqual(got.map(([, m]) => m.data.n), [...Array(21).keys()], 'each exactly once, in order');
      const offsets = got.map((args) => args.at(-1));
      assert.equal(new Set(offsets).size, 21, 'distinct offsets');
      assert.ok(!b.seen.some(([e]) => e === 'peer-left'), 'the room heard of no departure');
      assert.deepEqual((await a.emitWithAck('signal', { room, data: 'hi' })).ok, true, 'still in the room after recovery');
    } finally {
      a.close(); b.close();
    }
  });
}

test('codelab: a cut client recovers the relayed messages and its room; the other never hears bye', async () => {
  const room = 'csr-lab';
  const a = await connect(reconnecting(['websocket'], 300));
  const b = await connect({ transports: ['websocket'] });
  try {
    a.emit('create or join', room);
    await until('created', () => a.seen.some(([e]) => e === 'created'));
    b.emit('create or join', room);
    await until('ready', () => a.seen.some(([e]) => e === 'ready'));
    const before = a.seen.length;
    const back = nextConnect(a);
    a.io.engine.close();
    for (let n = 0; n < 10; n++) b.emit('message', { n });
    const c = await connect({ transports: ['websocket'] });
    c.emit('create or join', room);
    await until('full', () => c.seen.some(([e]) => e === 'full'));
    c.close();
    await back;
    assert.equal(a.recovered, true);
    b.emit('message', { n: 10 });
    await until('11 messages', () => a.seen.length - before >= 11);
    await sleep(100);
    assert.deepEqual(a.seen.slice(before).map(([e, m]) => [e, m.n]), [...Array(11).keys()].map((n) => ['message', n]));
    a.emit('message', 'from a');
    await until('message from a', () => b.seen.some(([e, m]) => e === 'message' && m === 'from a'));
    assert.ok(!b.seen.some(([e]) => e === 'bye'), 'no bye while a was away');
  } finally {
    a.close(); b.close();
  }
});

test('a client back after the window gets a new session; the room was told when the window ended', async () => {
  const room = 'csr-late';
  const a = await connect(reconnecting(['websocket'], WINDOW_MS + 1500));
  const b = await connect({ transports: ['websocket'] });
  try {
    assert.equal((await a.emitWithAck('join', { room, name: 'Ada' })).ok, true);
    assert.equal((await b.emitWithAck('join', { room, name: 'Bob' })).ok, true);
    const oldId = a.id;
    const back = nextConnect(a);
    const cutAt = Date.now();
    a.io.engine.close();
    await until('peer-left', () => b.seen.some(([e]) => e === 'peer-left'), WINDOW_MS + 3000);
    const waited = Date.now() - cutAt;
    assert.ok(waited >= WINDOW_MS - 100, `departure told after the window (${waited} ms)`);
    const [, left] = b.seen.find(([e]) => e === 'peer-left');
    assert.deepEqual(left, { room, id: oldId, reason: 'disconnected' });
    await back;
    assert.equal(a.recovered, false, 'not recovered');
    assert.notEqual(a.id, oldId, 'a new socket id');
    const again = await a.emitWithAck('join', { room, name: 'Ada' });
    assert.equal(again.ok, true, 'joins as a new member');
    assert.deepEqual(again.peers, [{ id: b.id, name: 'Bob' }]);
  } finally {
    a.close(); b.close();
  }
});

test('a client that misses more events than the cap is not recovered; the room is told at once', async () => {
  const room = 'csr-cap';
  const a = await connect(reconnecting(['websocket'], 1000));
  const b = await connect({ transports: ['websocket'] });
  try {
    await a.emitWithAck('join', { room, name: 'Ada' });
    await b.emitWithAck('join', { room, name: 'Bob' });
    await until('peer-joined', () => a.seen.some(([e]) => e === 'peer-joined'));
    const id = a.id;
    const back = nextConnect(a);
    a.io.engine.close();
    await sleep(100); // the server has seen the close: what follows is missed
    let refused = 0;
    for (let n = 0; n <= MAX_PACKETS; n++) {
      const res = await b.emitWithAck('signal', { room, to: id, data: { n } });
      if (!res.ok) refused++;
    }
    assert.equal(refused, 0, 'the cap is reached with the last one');
    await until('peer-left', () => b.seen.some(([e]) => e === 'peer-left'), 1000);
    assert.equal(b.seen.find(([e]) => e === 'peer-left')[1].id, id);
    await back;
    assert.equal(a.recovered, false);
    assert.notEqual(a.id, id);
  } finally {
    a.close(); b.close();
  }
});

test('an explicit disconnect is not recoverable: the room is told at once', async () => {
  const room = 'csr-bye';
  const a = await connect({ transports: ['websocket'] });
  const b = await connect({ transports: ['websocket'] });
  try {
    await a.emitWithAck('join', { room, name: 'Ada' });
    await b.emitWithAck('join', { room, name: 'Bob' });
    const id = a.id;
    a.disconnect();
    await until('peer-left', () => b.seen.some(([e]) => e === 'peer-left'), 2000);
    assert.equal(b.seen.find(([e]) => e === 'peer-left')[1].id, id);
  } finally {
    a.close(); b.close();
  }
});

test('an unknown pid or offset gets a normal new session', async () => {
  const a = await connect({ transports: ['websocket'], auth: { pid: 'nobody', offset: 'nothing' } });
  try {
    assert.equal(a.recovered, false);
    assert.equal(typeof a._pid, 'string');
    assert.notEqual(a._pid, 'nobody');
  } finally {
    a.close();
  }
});
