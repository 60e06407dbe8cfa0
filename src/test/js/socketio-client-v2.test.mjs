// Black-box tests of Switchboard with the official Node.js Socket.IO 2.x client (npm socket.io-client
// 2.5.0, installed as socket.io-client-v2: Engine.IO v3 + Socket.IO protocol v4), alone and beside the
// 4.x client. Run by NodeClientV2Test (JUnit), which starts the servers and passes their URLs:
//   SB_FIXTURE_URL: the conformance fixture (echo handlers, /custom namespace)
//   SB_URL:         a real Switchboard with default settings (codelab rooms hold 2 peers)
//   SB_TOKEN_URL:   a Switchboard with room tokens required; SB_TOKEN opens room "team" only
//   SB_NO_EIO3_URL: a Switchboard with signaling.allow-eio3 = false
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ioV2 from 'socket.io-client-v2';
import { io as ioV4 } from 'socket.io-client';

const FIXTURE = process.env.SB_FIXTURE_URL;
const SERVER = process.env.SB_URL;
const TOKEN_SERVER = process.env.SB_TOKEN_URL;
const TOKEN = process.env.SB_TOKEN;
const NO_EIO3 = process.env.SB_NO_EIO3_URL;
const TRANSPORTS = {
  polling: { transports: ['polling'] },
  websocket: { transports: ['websocket'] },
  upgrade: { transports: ['polling', 'websocket'] },
  // b64=1 on the handshake: binary both ways as base64 text (b4...), in payloads and WebSocket frames.
  'polling with forceBase64': { transports: ['polling'], forceBase64: true },
  'websocket with forceBase64': { transports: ['websocket'], forceBase64: true },
};

/** Queues every event a socket receives, so `next` never misses one that came with the CONNECT. */
function track(socket) {
  socket.queue = [];
  socket.waiters = [];
  socket.seen = [];
  return (event, args) => {
    socket.seen.push(event);
    const i = socket.waiters.findIndex((w) => w.event === event);
    if (i >= 0) socket.waiters.splice(i, 1)[0].resolve(args);
    else socket.queue.push([event, args]);
  };
}

/** A 2.x client (it has no onAny: its packet handler is wrapped instead). */
function connectV2(url, opts = {}) {
  const socket = ioV2(url, { forceNew: true, reconnection: false, timeout: 5000, ...opts });
  const deliver = track(socket);
  const onevent = socket.onevent;
  socket.onevent = function (packet) {
    const [event, ...args] = packet.data || [];
    deliver(event, args);
    onevent.call(this, packet);
  };
  return new Promise((resolve, reject) => {
    // 2.x reports a refused namespace as 'error', the name the room protocols use for refusals too:
    // listen for it only until connected.
    const refused = (err) => { socket.close(); reject(new Error(String(err))); };
    socket.once('connect', () => { socket.off('error', refused); resolve(socket); });
    socket.once('connect_error', (err) => { socket.close(); reject(err); });
    socket.once('error', refused);
  });
}

function connectV4(url, opts = {}) {
  const socket = ioV4(url, { forceNew: true, reconnection: false, timeout: 5000, ...opts });
  const deliver = track(socket);
  // without the offset the server appends to every event when connection state recovery is on (the 2.x client never
  // gets one: its protocol has no recovery)
  socket.onAny((event, ...args) => deliver(event, socket._pid && typeof args.at(-1) === 'string' ? args.slice(0, -1) : args));
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => { socket.close(); reject(err); });
  });
}

/** Resolves with the arguments of the next `event` (queued or still to come), or rejects after `ms`. */
function next(socket, event, ms = 5000) {
  const i = socket.queue.findIndex(([e]) => e === event);
  if (i >= 0) return Promise.resolve(socket.queue.splice(i, 1)[0][1]);
  return new Promise((resolve, reject) => {
    const waiter = { event, resolve: (args) => { clearTimeout(timer); resolve(args); } };
    const timer = setTimeout(() => {
      socket.waiters.splice(socket.waiters.indexOf(waiter), 1);
      reject(new Error(`no ${event} within ${ms} ms`));
    }, ms);
    socket.waiters.push(waiter);
  });
}

/** Emits with an acknowledgement callback; resolves with the ack's arguments. */
function call(socket, event, ...args) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for ${event}`)), 5000);
    socket.emit(event, ...args, (...res) => { clearTimeout(timer); resolve(res); });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

for (const [name, opts] of Object.entries(TRANSPORTS)) {
  test(`2.x: events, acks and binary both ways over ${name}`, async () => {
    const socket = await connectV2(FIXTURE, { ...opts, query: { token: `t-${name}` } });
    try {
      assert.equal(socket.id, socket.io.engine.id, 'the main namespace socket id is the session id');
      // Protocol v4 has no auth payload: the handshake query stands in for it.
      assert.deepEqual(await next(socket, 'auth'), [{ token: `t-${name}` }]);

      socket.emit('message', 'text', 42, { nested: [1, 2] }, Buffer.from([1, 2, 3]));
      const back = await next(socket, 'message-back');
      assert.equal(back[0], 'text');
      assert.equal(back[1], 42);
      assert.deepEqual(back[2], { nested: [1, 2] });
      assert.ok(Buffer.isBuffer(back[3]), 'binary comes back as binary');
      assert.deepEqual([...back[3]], [1, 2, 3]);

      const acked = await call(socket, 'message-with-ack', 'a', Buffer.from([9, 8]), { deep: Buffer.from([5]) });
      assert.equal(acked[0], 'a');
      assert.deepEqual([...acked[1]], [9, 8]);
      assert.deepEqual([...acked[2].deep], [5]);

      const big = Buffer.alloc(100_000, 7);
      const [bigBack] = await next((socket.emit('message', big), socket), 'message-back');
      assert.equal(bigBack.length, 100_000);
      assert.ok(bigBack.every((b) => b === 7));

      const text = 'h\u00e9llo \u{1F600} \u2028';
      socket.emit('message', text);
      assert.deepEqual(await next(socket, 'message-back'), [text], 'non-ASCII text survives the length prefixes');

      if (name === 'upgrade') {
        for (let i = 0; i < 50 && socket.io.engine.transport.name !== 'websocket'; i++) await sleep(100);
        assert.equal(socket.io.engine.transport.name, 'websocket', 'upgraded to WebSocket');
        socket.emit('message', 'after upgrade', Buffer.from([4]));
        const after = await next(socket, 'message-back');
        assert.equal(after[0], 'after upgrade');
        assert.deepEqual([...after[1]], [4]);
      }
    } finally {
      socket.close();
    }
  });
}

test('2.x: the client pings, the server answers, the session stays up past pingInterval + pingTimeout', async () => {
  // The fixture's timings are 300 ms + 200 ms; a server that waited for pongs would drop the client.
  const socket = await connectV2(FIXTURE, { transports: ['websocket'] });
  try {
    const engine = socket.io.engine;
    await new Promise((resolve) => {
      let pongs = 0;
      engine.on('pong', () => { if (++pongs === 4) resolve(); });
    });
    assert.equal(socket.connected, true);
    assert.equal(socket.io.engine, engine, 'the same session');
    socket.emit('message', 'still here');
    assert.deepEqual(await next(socket, 'message-back'), ['still here']);
  } finally {
    socket.close();
  }
});

test('2.x: a custom namespace gets its own connect with the query of both', async () => {
  const socket = await connectV2(`${FIXTURE}/custom`, { query: { k: 'v' }, transports: ['websocket'] });
  try {
    assert.equal(socket.id, `/custom#${socket.io.engine.id}`);
    assert.deepEqual(await next(socket, 'auth'), [{ k: 'v' }]);
  } finally {
    socket.close();
  }
});

test('2.x: an unknown namespace is an error with a plain string', async () => {
  await assert.rejects(connectV2(`${FIXTURE}/nope`, { transports: ['polling'] }), (err) => {
    assert.equal(err.message, 'Invalid namespace');
    return true;
  });
});

test('2.x: codelab flow with two clients, and a third is told the room is full', async () => {
  const a = await connectV2(SERVER);
  const b = await connectV2(SERVER, { transports: ['websocket'] });
  const c = await connectV2(SERVER, { transports: ['polling'] });
  try {
    a.emit('create or join', 'v2-lab');
    assert.deepEqual(await next(a, 'created'), ['v2-lab', a.id]);

    const bReady = next(b, 'ready');
    b.emit('create or join', 'v2-lab');
    assert.deepEqual(await next(b, 'joined'), ['v2-lab', b.id]);
    assert.deepEqual(await bReady, ['v2-lab']);
    assert.deepEqual(await next(a, 'ready'), ['v2-lab']);

    c.emit('create or join', 'v2-lab');
    assert.deepEqual(await next(c, 'full'), ['v2-lab']);

    a.emit('message', { type: 'offer', sdp: 'v=0' });
    assert.deepEqual(await next(b, 'message'), [{ type: 'offer', sdp: 'v=0' }]);
    b.emit('message', { type: 'answer' });
    assert.deepEqual(await next(a, 'message'), [{ type: 'answer' }]);
    c.emit('message', 'not in the room');
    await sleep(200);
    assert.deepEqual(a.seen, ['created', 'join', 'ready', 'message']);

    const bye = next(a, 'bye');
    const hangup = next(a, 'message');
    const bId = b.id;
    b.close();
    assert.deepEqual(await bye, ['v2-lab', bId]);
    assert.deepEqual(await hangup, ['bye']);
  } finally {
    a.close(); b.close(); c.close();
  }
});

test('mixed room: a 2.x and a 4.x client exchange messages, codelab and mesh', async () => {
  const old = await connectV2(SERVER, { transports: ['polling', 'websocket'] });
  const cur = await connectV4(SERVER);
  try {
    old.emit('create or join', 'mixed-lab');
    assert.deepEqual(await next(old, 'created'), ['mixed-lab', old.id]);
    cur.emit('create or join', 'mixed-lab');
    assert.deepEqual(await next(cur, 'joined'), ['mixed-lab', cur.id]);
    assert.deepEqual(await next(old, 'ready'), ['mixed-lab']);

    old.emit('message', { type: 'offer', sdp: 'from 2.x' });
    assert.deepEqual(await next(cur, 'message'), [{ type: 'offer', sdp: 'from 2.x' }]);
    cur.emit('message', { type: 'answer', sdp: 'from 4.x' });
    assert.deepEqual(await next(old, 'message'), [{ type: 'answer', sdp: 'from 4.x' }]);

    const [joined] = await call(old, 'join', { room: 'mixed-mesh', name: 'Old' });
    assert.equal(joined.ok, true);
    assert.equal(joined.id, old.id);
    const peerJoined = next(old, 'peer-joined');
    const jc = await cur.emitWithAck('join', { room: 'mixed-mesh', name: 'New' });
    assert.deepEqual(jc.peers, [{ id: old.id, name: 'Old' }]);
    assert.deepEqual(await peerJoined, [{ room: 'mixed-mesh', id: cur.id, name: 'New' }]);
    const sig = next(cur, 'signal');
    assert.deepEqual(await call(old, 'signal', { room: 'mixed-mesh', to: cur.id, data: { candidate: 'c' } }), [{ ok: true }]);
    assert.deepEqual(await sig, [{ room: 'mixed-mesh', from: old.id, to: cur.id, data: { candidate: 'c' } }]);

    const left = next(cur, 'peer-left');
    const oldId = old.id;
    old.close();
    assert.deepEqual(await left, [{ room: 'mixed-mesh', id: oldId, reason: 'disconnected' }]);
  } finally {
    old.close(); cur.close();
  }
});

test('2.x: a room token in the query opens its room; none is refused with a plain string', async () => {
  await assert.rejects(connectV2(TOKEN_SERVER, { transports: ['websocket'] }), (err) => {
    assert.equal(err.message, 'a room token is required');
    return true;
  });
  const socket = await connectV2(TOKEN_SERVER, { query: { token: TOKEN } });
  try {
    const [ok] = await call(socket, 'join', { room: 'team' });
    assert.equal(ok.ok, true);
    assert.equal(ok.name, 'ada', 'the name comes from the token');
    const [other] = await call(socket, 'join', { room: 'elsewhere' });
    assert.equal(other.error.code, 'wrong_room');
  } finally {
    socket.close();
  }
});

test('allow-eio3 = false: a 2.x client is refused with the unsupported-version error, a 4.x one is not', async () => {
  await assert.rejects(connectV2(NO_EIO3, { transports: ['polling'] }));
  const res = await fetch(`${NO_EIO3}/socket.io/?EIO=3&transport=polling`);
  assert.equal(res.status, 400);
  assert.deepEqual(await res.json(), { code: 5, message: 'Unsupported protocol version' });
  const cur = await connectV4(NO_EIO3);
  cur.close();
});
