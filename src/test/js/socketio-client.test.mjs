// Black-box tests of Switchboard with the official Node.js Socket.IO client (npm socket.io-client 4.8).
// Run by NodeClientTest (JUnit), which starts the servers and passes their URLs:
//   SB_FIXTURE_URL: the conformance fixture (echo handlers, /custom namespace)
//   SB_URL:         a real Switchboard with default settings (codelab rooms hold 2 peers)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { io } from 'socket.io-client';

const FIXTURE = process.env.SB_FIXTURE_URL;
const SERVER = process.env.SB_URL;
const TRANSPORTS = {
  polling: { transports: ['polling'] },
  websocket: { transports: ['websocket'] },
  upgrade: { transports: ['polling', 'websocket'] },
};

/**
 * An event's arguments without the offset the server appends when connection state recovery is on (the
 * client then has a pid); tests/socketio-recovery.test.mjs checks the offsets themselves.
 */
const withoutOffset = (socket, args) => (socket._pid && typeof args.at(-1) === 'string' ? args.slice(0, -1) : args);

/**
 * Connects; every event the socket receives from the start is queued, so `next` never misses one
 * that arrived in the same payload as the CONNECT.
 */
function connect(url, opts = {}) {
  const socket = io(url, { forceNew: true, reconnection: false, timeout: 5000, ...opts });
  socket.queue = [];
  socket.waiters = [];
  socket.onAny((event, ...raw) => {
    const args = withoutOffset(socket, raw);
    const i = socket.waiters.findIndex((w) => w.event === event);
    if (i >= 0) socket.waiters.splice(i, 1)[0].resolve(args);
    else socket.queue.push([event, args]);
  });
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

/** Every event a socket receives from now on, in order. */
function record(socket) {
  const seen = [];
  socket.onAny((event, ...args) => seen.push([event, ...withoutOffset(socket, args)]));
  return seen;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

for (const [name, opts] of Object.entries(TRANSPORTS)) {
  test(`events, acks and binary both ways over ${name}`, async () => {
    const socket = await connect(FIXTURE, { ...opts, auth: { token: `t-${name}` } });
    try {
      const [auth] = await next(socket, 'auth');
      assert.deepEqual(auth, { token: `t-${name}` });

      socket.emit('message', 'text', 42, { nested: [1, 2] }, Buffer.from([1, 2, 3]));
      const back = await next(socket, 'message-back');
      assert.equal(back[0], 'text');
      assert.equal(back[1], 42);
      assert.deepEqual(back[2], { nested: [1, 2] });
      assert.deepEqual([...back[3]], [1, 2, 3]);

      const acked = await socket.timeout(5000).emitWithAck('message-with-ack', 'a', Buffer.from([9, 8]));
      assert.equal(acked, 'a');

      const both = await new Promise((resolve) => socket.emit('message-with-ack', 'x', Buffer.from([7]), (...args) => resolve(args)));
      assert.equal(both[0], 'x');
      assert.deepEqual([...both[1]], [7]);

      if (name === 'upgrade') {
        for (let i = 0; i < 50 && socket.io.engine.transport.name !== 'websocket'; i++) await sleep(100);
        assert.equal(socket.io.engine.transport.name, 'websocket', 'upgraded to WebSocket');
        socket.emit('message', 'after upgrade');
        assert.deepEqual(await next(socket, 'message-back'), ['after upgrade']);
      }
    } finally {
      socket.close();
    }
  });
}

test('a custom namespace gets its own connect and auth', async () => {
  const socket = await connect(`${FIXTURE}/custom`, { auth: { k: 'v' } });
  try {
    assert.deepEqual(await next(socket, 'auth'), [{ k: 'v' }]);
  } finally {
    socket.close();
  }
});

test('an unknown namespace is a connect_error with a message', async () => {
  await assert.rejects(connect(`${FIXTURE}/nope`), (err) => {
    assert.equal(err.message, 'Invalid namespace');
    return true;
  });
});

test('codelab flow with two clients, and a third is told the room is full', async () => {
  const a = await connect(SERVER);
  const b = await connect(SERVER);
  const c = await connect(SERVER);
  try {
    const aSeen = record(a);
    a.emit('create or join', 'node-lab');
    assert.deepEqual(await next(a, 'created'), ['node-lab', a.id]);

    const bReady = next(b, 'ready');
    b.emit('create or join', 'node-lab');
    assert.deepEqual(await next(b, 'joined'), ['node-lab', b.id]);
    assert.deepEqual(await bReady, ['node-lab']);
    assert.deepEqual(await next(a, 'ready'), ['node-lab']);

    c.emit('create or join', 'node-lab');
    assert.deepEqual(await next(c, 'full'), ['node-lab']);

    a.emit('message', { type: 'offer', sdp: 'v=0' });
    assert.deepEqual(await next(b, 'message'), [{ type: 'offer', sdp: 'v=0' }]);
    b.emit('message', { type: 'answer' });
    assert.deepEqual(await next(a, 'message'), [{ type: 'answer' }]);

    await sleep(200);
    assert.deepEqual(aSeen.filter(([e]) => e === 'ready').length, 1, 'ready reaches each peer once');
    assert.deepEqual(aSeen.map(([e]) => e), ['created', 'join', 'ready', 'message']);

    const bye = next(a, 'bye');
    const hangup = next(a, 'message');
    const bId = b.id;
    b.close();
    assert.deepEqual(await bye, ['node-lab', bId]);
    assert.deepEqual(await hangup, ['bye']);
  } finally {
    a.close(); b.close(); c.close();
  }
});

test('codelab messages never cross into another room', async () => {
  const [a, b, x, y] = await Promise.all([connect(SERVER), connect(SERVER), connect(SERVER), connect(SERVER)]);
  try {
    for (const [s, room] of [[a, 'room-a'], [b, 'room-a'], [x, 'room-x'], [y, 'room-x']]) {
      const p = new Promise((r) => { s.once('created', r); s.once('joined', r); });
      s.emit('create or join', room);
      await p;
    }
    const xSeen = record(x);
    a.emit('message', 'secret for room-a');
    assert.deepEqual(await next(b, 'message'), ['secret for room-a']);
    y.emit('message', 'marker');
    assert.deepEqual(await next(x, 'message'), ['marker']);
    await sleep(200);
    assert.deepEqual(xSeen.filter(([e]) => e === 'message'), [['message', 'marker']]);
  } finally {
    [a, b, x, y].forEach((s) => s.close());
  }
});

test('mesh rooms: join, peers, addressed and room signals, leave', async () => {
  const a = await connect(SERVER);
  const b = await connect(SERVER);
  try {
    const ja = await a.emitWithAck('join', { room: 'node-mesh', name: 'Ada' });
    assert.equal(ja.ok, true);
    assert.equal(ja.id, a.id);
    const joined = next(a, 'peer-joined');
    const jb = await b.emitWithAck('join', { room: 'node-mesh', name: 'Bob' });
    assert.deepEqual(jb.peers, [{ id: a.id, name: 'Ada' }]);
    assert.deepEqual(await joined, [{ room: 'node-mesh', id: b.id, name: 'Bob' }]);

    const sig = next(b, 'signal');
    assert.deepEqual(await a.emitWithAck('signal', { room: 'node-mesh', to: b.id, data: { candidate: 'c' } }), { ok: true });
    assert.deepEqual(await sig, [{ room: 'node-mesh', from: a.id, to: b.id, data: { candidate: 'c' } }]);

    const refused = await a.emitWithAck('join', { room: 'bad room' });
    assert.equal(refused.ok, false);
    assert.equal(refused.error.code, 'bad_room_name');

    const left = next(a, 'peer-left');
    await b.emitWithAck('leave', { room: 'node-mesh' });
    assert.deepEqual(await left, [{ room: 'node-mesh', id: b.id, reason: 'left' }]);
  } finally {
    a.close(); b.close();
  }
});
