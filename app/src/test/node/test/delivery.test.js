'use strict';
// Deliveries to the sockets in a room, and presence.

const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const m = require('../lib/midnight');

const sockets = [];
after(() => m.closeAll(sockets));

function watchDisconnect(socket, name) {
  const state = { reason: null };
  socket.on('disconnect', (reason, description) => {
    state.reason = `${name}: ${reason} ${description && description.message ? description.message : ''}`.trim();
  });
  return state;
}

test('message: every socket in the room (websocket and polling, the sender too) receives every message in seq order', { timeout: 30_000 }, async () => {
  const [a, b, p] = await m.createUsers(3, 'dlv');
  const room = (await m.createRoom(a.token, 'delivery')).id;
  const sa = await m.connected(sockets, { transports: ['websocket'], auth: { token: a.token } });
  const sb = await m.connected(sockets, { transports: ['websocket'], auth: { token: b.token } });
  const sp = await m.connected(sockets, { transports: ['polling'], query: { token: p.token } });
  const clients = { A: sa, B: sb, P: sp };
  const seen = {};
  const drops = {};
  for (const [name, s] of Object.entries(clients)) {
    seen[name] = m.recordMessages(s);
    drops[name] = watchDisconnect(s, name);
    const joined = await m.ask(s, 'join', { room });
    assert.equal(joined.id, room, `${name} join: ${JSON.stringify(joined)}`);
  }

  // A and B send at once, each waiting for its own acks: 2 x 10 messages, about 12/s per user
  const acks = new Map(); // seq -> {ack, from, text}
  async function sendAll(name, socket, user) {
    for (let i = 1; i <= 10; i++) {
      const text = `🎇 ${name} ${i}`;
      const ack = await m.ask(socket, 'message', { room, text, clientMsgId: m.uniqueName('d') });
      assert.ok(ack && Number.isInteger(ack.seq), `${name} send ${i}: ack ${JSON.stringify(ack)}`);
      assert.ok(!acks.has(ack.seq), `seq ${ack.seq} acked twice`);
      acks.set(ack.seq, { ack, from: user.username, text });
      await m.sleep(80);
    }
  }
  await Promise.all([sendAll('A', sa, a), sendAll('B', sb, b)]);
  assert.deepEqual([...acks.keys()].sort((x, y) => x - y), Array.from({ length: 20 }, (_, i) => i + 1),
    'the room\'s seqs are 1..20 without gap');

  for (const name of Object.keys(clients)) {
    await m.until(() => seen[name].length >= 20 || drops[name].reason, 5000,
      () => `${name} received ${seen[name].length} of 20 messages`);
    assert.equal(drops[name].reason, null, `${name} was disconnected`);
  }
  await m.sleep(300); // nothing more may arrive
  for (const [name, list] of Object.entries(seen)) {
    assert.deepEqual(list.map((x) => x.msg.seq), Array.from({ length: 20 }, (_, i) => i + 1),
      `${name} receives seq 1..20 once each, in order`);
    for (const { msg, offset, extra } of list) {
      const sent = acks.get(msg.seq);
      assert.deepEqual(msg, { id: sent.ack.id, room, seq: msg.seq, from: sent.from, text: sent.text, ts: sent.ack.ts },
        `${name}: the delivery of seq ${msg.seq} is {id, room, seq, from, text, ts} as acked`);
      assert.ok(typeof offset === 'string' && offset.length > 0,
        `${name}: seq ${msg.seq} carries a connection-state-recovery offset as last argument, got ${JSON.stringify(offset)}`);
      assert.equal(extra, 0, `${name}: seq ${msg.seq} has arguments after the offset`);
    }
  }
  assert.equal(sp.io.engine.transport.name, 'polling', 'P stayed on long-polling');
});

test('presence: joining and leaving announce {room, online} to the room within ~1 s', { timeout: 20_000 }, async () => {
  const [a, b] = await m.createUsers(2, 'pres');
  const room = (await m.createRoom(a.token, 'presence')).id;
  const sa = await m.connected(sockets, { transports: ['websocket'], auth: { token: a.token } });
  const sb = await m.connected(sockets, { transports: ['websocket'], auth: { token: b.token } });
  const presence = { A: [], B: [] };
  sa.on('presence', (x) => presence.A.push(x));
  sb.on('presence', (x) => presence.B.push(x));

  const last = (name) => presence[name].filter((x) => x && x.room === room).at(-1);
  const expect = async (name, online, what) => {
    // announced at most every 250 ms: ~1 s, with room for a busy 2-core machine
    await m.until(() => last(name) && last(name).online === online, 1500,
      () => `${what}: ${name} expected presence {room: ${room}, online: ${online}} within ~1 s; got ${JSON.stringify(presence[name])}`);
    assert.deepEqual(last(name), { room, online }, `${name}: presence is {room, online}`);
  };

  await m.ask(sa, 'join', { room });
  await expect('A', 1, 'A joined');
  await m.ask(sb, 'join', { room });
  await expect('A', 2, 'B joined');
  await expect('B', 2, 'B joined');
  const left = await m.ask(sb, 'leave', { room });
  assert.ok(left && !left.error, `leave answered ${JSON.stringify(left)}`);
  await expect('A', 1, 'B left');
  sb.close();
  assert.equal(sa.connected, true);
});
