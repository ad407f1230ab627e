// A stock Socket.IO 4.8 chat server, written the way its docs teach: rooms joined with socket.join, messages
// broadcast with io.to(room).emit. It speaks the chat events Midnight's load tool sends (join, message with an
// ack) and numbers each room's messages, the minimum a client needs to tell a lost message from a late one.
// It keeps nothing on disk and does not deduplicate retries: that is the difference being measured.
'use strict';
const { createServer } = require('node:http');
const { Server } = require('socket.io');
const { readFileSync } = require('node:fs');
const { join, dirname } = require('node:path');

// socket.io's exports map hides its package.json: read it next to the resolved entry point.
const version = JSON.parse(readFileSync(join(dirname(require.resolve('socket.io')), '..', 'package.json'))).version;

const host = process.env.HOST || '127.0.0.1';
const port = Number(process.env.PORT || 4100);

const http = createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ status: 'up', server: `socket.io ${version}` }));
    return;
  }
  res.writeHead(404, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ error: { code: 'not_found', message: 'no such endpoint' } }));
});
const io = new Server(http, { serveClient: false });
const lastSeq = new Map();

function answer(ack, body) {
  if (typeof ack === 'function') ack(body);
}

io.on('connection', (socket) => {
  socket.on('join', (body, ack) => {
    if (!body || body.room === undefined) {
      answer(ack, { error: { code: 'invalid_request', message: 'room is required' } });
      return;
    }
    socket.join(String(body.room));
    answer(ack, { room: body.room });
  });

  socket.on('message', (body, ack) => {
    const room = body && String(body.room);
    if (!room || !socket.rooms.has(room)) {
      answer(ack, { error: { code: 'not_member', message: 'join the room first' } });
      return;
    }
    const seq = (lastSeq.get(room) || 0) + 1;
    lastSeq.set(room, seq);
    const message = { room: body.room, seq, from: socket.handshake.query.token, text: body.text, ts: Date.now() };
    io.to(room).emit('message', message);
    answer(ack, { seq, ts: message.ts });
  });
});

http.listen(port, host, () => console.log(`socket.io ${version} chat server on http://${host}:${port}`));
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => io.close(() => process.exit(0)));
}
// Started by `midnight bench fanout`: stop when that process is gone (its end of our standard input closes), even
// if it was killed before it could stop us.
if (process.env.EXIT_WITH_PARENT === '1') {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}
