// Baseline for the signaling benchmark: a Socket.IO 4 server with the WebRTC codelab's room logic,
// done the way Switchboard does it (see docs/signaling.md, "Codelab protocol"):
//   create or join -> created / joined + join (others) + ready (every member once); full past 2;
//   message        -> relayed unchanged to the other peers of the sender's codelab rooms only;
//   bye / disconnect -> bye(room, id) to the others, plus message("bye") on disconnect.
// GET /mem answers the process's memory (after a forced GC when node runs with --expose-gc).
//
// Usage: node --expose-gc bench/node-codelab-server.js PORT [BIND]
'use strict';

const http = require('http');
const { Server } = require('socket.io');

const port = Number(process.argv[2] || 3000);
const bind = process.argv[3] || '127.0.0.1';
const CAPACITY = 2;
const ROOM_NAME = /^[A-Za-z0-9_-]{1,64}$/;

const httpServer = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/mem') {
    if (typeof global.gc === 'function') {
      global.gc();
    }
    const m = process.memoryUsage();
    const body = JSON.stringify({
      gc: typeof global.gc === 'function',
      rss: m.rss,
      heapTotal: m.heapTotal,
      heapUsed: m.heapUsed,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
      sockets: io.engine.clientsCount,
    });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  if (!req.url.startsWith('/socket.io/')) {
    res.writeHead(404).end();
  }
});

const io = new Server(httpServer, { serveClient: false, allowEIO3: true });

function leave(socket, room, disconnected) {
  socket.data.rooms.delete(room);
  socket.to(room).emit('bye', room, socket.id);
  if (disconnected) {
    socket.to(room).emit('message', 'bye');
  }
  socket.leave(room);
}

io.on('connection', (socket) => {
  socket.data.rooms = new Set();

  socket.on('create or join', (room) => {
    if (typeof room === 'number') {
      room = String(room);
    }
    if (typeof room !== 'string' || !ROOM_NAME.test(room) || socket.data.rooms.has(room)) {
      socket.emit('error', { code: 'bad_room_name', event: 'create or join' });
      return;
    }
    const members = io.of('/').adapter.rooms.get(room);
    const size = members ? members.size : 0;
    if (size === 0) {
      socket.join(room);
      socket.data.rooms.add(room);
      socket.emit('created', room, socket.id);
    } else if (size < CAPACITY) {
      socket.to(room).emit('join', room);
      socket.join(room);
      socket.data.rooms.add(room);
      socket.emit('joined', room, socket.id);
      io.to(room).emit('ready', room);
    } else {
      socket.emit('full', room);
    }
  });

  socket.on('message', (...args) => {
    if (socket.data.rooms.size === 0) {
      socket.emit('error', { code: 'not_in_room', event: 'message' });
      return;
    }
    // One emit to the union of the sender's rooms: each peer gets it once, the sender never.
    socket.to([...socket.data.rooms]).emit('message', ...args);
  });

  socket.on('bye', (room) => {
    for (const r of [...socket.data.rooms]) {
      if (typeof room !== 'string' || r === room) {
        leave(socket, r, false);
      }
    }
  });

  socket.on('disconnecting', () => {
    for (const r of [...socket.data.rooms]) {
      leave(socket, r, true);
    }
  });
});

httpServer.listen(port, bind, () => {
  console.log(`node codelab server on ${bind}:${port} (gc ${typeof global.gc === 'function'})`);
});
process.on('SIGTERM', () => process.exit(0));
