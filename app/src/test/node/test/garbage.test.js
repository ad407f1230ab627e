'use strict';
// A client that sends garbage loses its own connection, and nobody else notices.

const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const WebSocket = require('ws');
const m = require('../lib/midnight');

const sockets = [];
const raws = [];
after(() => {
  m.closeAll(sockets);
  raws.forEach((ws) => ws.terminate());
});

/** A raw Engine.IO/Socket.IO client on a WebSocket: its frames as text, and its close. */
function rawClient(token) {
  const ws = new WebSocket(`${m.WS_URL}/socket.io/?EIO=4&transport=websocket&token=${encodeURIComponent(token)}`);
  raws.push(ws);
  const frames = [];
  const waiters = [];
  const closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  ws.on('message', (data) => {
    const text = data.toString();
    frames.push(text);
    for (const w of waiters.splice(0)) {
      if (!w(text)) {
        waiters.push(w);
      }
    }
  });
  ws.on('error', () => { }); // the close event tells
  const frame = (predicate, what) => {
    const found = frames.find(predicate);
    if (found) {
      return Promise.resolve(found);
    }
    return m.withTimeout(new Promise((resolve) => {
      waiters.push((text) => {
        if (predicate(text)) {
          resolve(text);
          return true;
        }
        return false;
      });
    }), 5000, `${what}; frames so far: ${JSON.stringify(frames)}`);
  };
  return { ws, frames, closed, frame };
}

const GARBAGE = ['4abc', '42{}', '9', '42abc', '42[]', '42[1,2]'];

test('garbage frames close only the connection that sent them; a client in the same room carries on', { timeout: 40_000 }, async () => {
  const [a, b, controlUser, ...rawUsers] = await m.createUsers(3 + GARBAGE.length, 'junk');
  const room = (await m.createRoom(a.token, 'garbage')).id;
  const sa = await m.connected(sockets, { transports: ['websocket'], auth: { token: a.token } });
  const sb = await m.connected(sockets, { query: { token: b.token } }); // polling, then websocket
  const drops = [];
  for (const [name, s] of [['A', sa], ['B', sb]]) {
    s.on('disconnect', (reason) => drops.push(`${name}: ${reason}`));
    const joined = await m.ask(s, 'join', { room });
    assert.equal(joined.id, room, `${name} join: ${JSON.stringify(joined)}`);
  }
  const received = m.recordMessages(sb);

  // a control: a raw client that speaks the protocol stays connected throughout
  const control = rawClient(controlUser.token);
  await control.frame((f) => f.startsWith('0{'), 'control: the Engine.IO open packet');
  control.ws.send('40');
  await control.frame((f) => f.startsWith('40{'), 'control: the Socket.IO connect reply');
  control.ws.send(`421["join",{"room":${room}}]`);
  await control.frame((f) => f.startsWith('431['), 'control: the join ack');

  // A sends all along, about 12 messages/s
  const acked = [];
  const failures = [];
  let sending = true;
  const sender = (async () => {
    for (let i = 1; sending && failures.length === 0 && i <= 400; i++) {
      try {
        const ack = await m.ask(sa, 'message', { room, text: `still here ${i}`, clientMsgId: m.uniqueName('g') });
        if (ack && Number.isInteger(ack.seq)) {
          acked.push(ack);
        } else {
          failures.push(`send ${i}: ${JSON.stringify(ack)}`);
        }
      } catch (err) {
        failures.push(`send ${i}: ${err.message}`);
      }
      await m.sleep(80);
    }
  })();

  try {
    for (let i = 0; i < GARBAGE.length; i++) {
      const junk = GARBAGE[i];
      const raw = rawClient(rawUsers[i].token);
      await raw.frame((f) => f.startsWith('0{'), `${junk}: the Engine.IO open packet`);
      raw.ws.send('40');
      await raw.frame((f) => f.startsWith('40{'), `${junk}: the Socket.IO connect reply`);
      raw.ws.send(`421["join",{"room":${room}}]`);
      await raw.frame((f) => f.startsWith('431['), `${junk}: the join ack`);
      const before = acked.length;
      raw.ws.send(junk);
      const closed = await m.withTimeout(raw.closed, 3000,
        `the server must close the connection after '${junk}'; frames: ${JSON.stringify(raw.frames.slice(-5))}`);
      assert.ok(closed.code >= 1000, `${junk}: close code ${closed.code}`);
      // the room goes on while and after it happens
      await m.until(() => acked.length >= before + 2 || failures.length, 3000,
        () => `A's sends stalled after '${junk}': ${acked.length} acked, failures ${JSON.stringify(failures)}`);
    }
  } finally {
    sending = false;
    await sender;
  }

  assert.deepEqual(failures, [], 'every send of A is acked');
  assert.ok(acked.length >= 2 * GARBAGE.length, `A sent ${acked.length} messages meanwhile`);
  const seqs = acked.map((x) => x.seq);
  assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1), 'the room\'s seqs have no gap');
  await m.until(() => received.length >= acked.length, 5000, () => `B received ${received.length} of ${acked.length}`);
  await m.sleep(200);
  assert.deepEqual(received.map((x) => x.msg.seq), seqs, 'B receives each of A\'s messages once, in seq order');
  assert.deepEqual(drops, [], 'A and B stay connected');
  assert.equal(sa.connected && sb.connected, true);
  control.ws.send(`422["history",{"room":${room},"limit":1}]`);
  await control.frame((f) => f.startsWith('432['), 'control: still answered after the garbage of others');
  assert.equal(control.ws.readyState, WebSocket.OPEN, 'the well-behaved raw client is still connected');
  const health = await m.http('GET', '/health');
  assert.equal(health.status, 200, `health after the garbage: ${health.text}`);
});
