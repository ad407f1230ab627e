'use strict';
// Nothing missed, nothing twice: a dropped connection that comes back (socket.io connection-state recovery) and a
// new client that joins with the last seq it saw (the app-level path).

const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const m = require('../lib/midnight');

const sockets = [];
after(() => m.closeAll(sockets));

const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

function duplicatesAndGaps(seqs) {
  const dups = seqs.filter((s, i) => seqs.indexOf(s) !== i);
  const outOfOrder = seqs.filter((s, i) => i > 0 && s <= seqs[i - 1]);
  return `received ${seqs.length}: [${seqs.join(',')}]; duplicates [${dups.join(',')}]; out of order [${outOfOrder.join(',')}]`;
}

/**
 * A sends N messages to a fresh room; after DROP_AFTER of them B's engine is closed under it (the manager sees a
 * transport close and reconnects by itself) while A goes on sending. B must get seqs 1..N once each, in order.
 */
async function dropAndRecover(transports) {
  const [a, b] = await m.createUsers(2, 'rec');
  const room = (await m.createRoom(a.token, 'recovery')).id;
  const sa = await m.connected(sockets, { transports: ['websocket'], auth: { token: a.token } });
  await m.ask(sa, 'join', { room });

  // B: default transports (polling, then websocket) and automatic reconnection, quick but not instant
  const sb = m.client(sockets, {
    query: { token: b.token }, reconnection: true, reconnectionDelay: 400, reconnectionDelayMax: 800,
    reconnectionAttempts: 20, ...(transports ? { transports } : {}),
  });
  const upgraded = transports ? Promise.resolve() : m.once(sb.io.engine, 'upgrade', 10_000, 'B upgrades to websocket');
  await m.once(sb, 'connect', 5000, 'B connects');
  const firstSid = sb.id;
  const received = m.recordMessages(sb);
  const events = [];
  let connects = 0;
  let away = false;
  let recovered = null;
  let rejoin = null;
  sb.on('disconnect', (reason) => { away = true; events.push(`disconnect: ${reason}`); });
  sb.on('connect', () => {
    connects += 1;
    away = false;
    recovered = sb.recovered;
    events.push(`connect (recovered: ${sb.recovered}, sid ${sb.id === firstSid ? 'kept' : 'new'})`);
    if (!sb.recovered) {
      // no recovery: the app-level path, so that the delivery check below still means something
      const since = received.length ? received.at(-1).msg.seq : 0;
      rejoin = m.ask(sb, 'join', { room, sinceSeq: since });
    }
  });
  const joined = await m.ask(sb, 'join', { room });
  assert.equal(joined.lastSeq, 0, `a fresh room: ${JSON.stringify(joined)}`);
  await upgraded;
  assert.equal(sb.io.engine.transport.name, transports ? transports[0] : 'websocket');

  const N = 30;
  const DROP_AFTER = 10;
  const acked = [];
  let sentWhileAway = 0;
  for (let i = 1; i <= N; i++) {
    const ack = await m.ask(sa, 'message', { room, text: `recover ${i}`, clientMsgId: m.uniqueName('rc') });
    assert.ok(ack && Number.isInteger(ack.seq), `send ${i}: ack ${JSON.stringify(ack)}`);
    acked.push(ack);
    if (away) {
      sentWhileAway += 1;
    }
    if (i === DROP_AFTER) {
      // what a network drop looks like to the manager: the engine closes, the socket reconnects by itself
      sb.io.engine.close();
      events.push(`engine closed after ${received.length} deliveries`);
    }
    await m.sleep(60); // about 16 messages/s: under the default per-user limit
  }
  assert.deepEqual(acked.map((x) => x.seq), range(1, N), 'A\'s acks are seqs 1..N');

  await m.until(() => connects >= 1, 10_000, () => `B did not reconnect: ${events.join('; ')}`);
  if (rejoin) {
    const r = await rejoin;
    assert.ok(r && !r.error, `rejoin after an unrecovered reconnect: ${JSON.stringify(r)}`);
  }
  await m.until(() => received.length >= N, 5000,
    () => `B got ${received.length} of ${N} messages; ${duplicatesAndGaps(received.map((x) => x.msg.seq))}; ${events.join('; ')}`);
  await m.sleep(300); // nothing more may arrive
  const seqs = received.map((x) => x.msg.seq);
  console.log(`recovery (${transports ? transports.join() : 'polling + upgrade'}): ${events.join('; ')}; ${sentWhileAway} of ${N} sent while B was away; socket.recovered = ${recovered}`);
  assert.ok(sentWhileAway > 0, `the test must send while B is away (events: ${events.join('; ')})`);
  assert.deepEqual(seqs, range(1, N), `B receives every acked seq exactly once, in order: ${duplicatesAndGaps(seqs)}`);
  for (const { msg } of received) {
    assert.equal(msg.id, acked[msg.seq - 1].id, `seq ${msg.seq}: the id that was acked`);
    assert.equal(msg.text, `recover ${msg.seq}`, `seq ${msg.seq}: text`);
  }
  assert.equal(connects, 1, `B reconnected once: ${events.join('; ')}`);
  assert.equal(recovered, true, `socket.recovered after the reconnect (connection-state recovery): ${events.join('; ')}`);
  assert.equal(sb.id, firstSid, 'a recovered socket keeps its id (PROTOCOL.md: the same sid)');
  assert.equal(sb.connected, true);
}

test('reconnect after the connection drops mid-stream (upgraded to websocket): every message exactly once, in seq order, recovered', { timeout: 40_000 }, async () => {
  await dropAndRecover(null);
});

test('reconnect after the engine closes over long-polling: every message exactly once, in seq order, recovered', { timeout: 40_000 }, async () => {
  // engine.close() over polling POSTs a close packet: the official server still sees a "transport close" and
  // keeps the session for recovery (only a socket.disconnect() is final)
  await dropAndRecover(['polling']);
});

test('join with sinceSeq: a new client gets exactly the seqs after it, then live ones, no gap, no duplicate', { timeout: 30_000 }, async () => {
  const [a, c] = await m.createUsers(2, 'since');
  const room = (await m.createRoom(a.token, 'since')).id;
  const sa = await m.connected(sockets, { transports: ['websocket'], auth: { token: a.token } });
  await m.ask(sa, 'join', { room });
  const acked = [];
  const send = async (i) => {
    const ack = await m.ask(sa, 'message', { room, text: `since ${i}`, clientMsgId: m.uniqueName('sn') });
    assert.ok(ack && ack.seq === i, `send ${i}: ack ${JSON.stringify(ack)}`);
    acked.push(ack);
  };
  for (let i = 1; i <= 12; i++) {
    await send(i);
    await m.sleep(30);
  }

  const S = 5;
  const last = 24;
  const sc = await m.connected(sockets, { transports: ['websocket'], auth: { token: c.token } });
  const received = m.recordMessages(sc);
  // live messages race the replay of 6..12
  const live = (async () => {
    for (let i = 13; i <= last; i++) {
      await send(i);
      await m.sleep(40);
    }
  })();
  const joined = await m.ask(sc, 'join', { room, sinceSeq: S });
  assert.equal(joined.id, room, `join answered ${JSON.stringify(joined)}`);
  assert.ok(joined.lastSeq >= 12, `lastSeq ${joined.lastSeq} counts the 12 sent before`);
  await live;
  await m.until(() => received.length >= last - S, 5000,
    () => `C got ${received.length} of ${last - S}; ${duplicatesAndGaps(received.map((x) => x.msg.seq))}`);
  await m.sleep(300);
  const seqs = received.map((x) => x.msg.seq);
  assert.deepEqual(seqs, range(S + 1, last), `C receives seqs ${S + 1}..${last} exactly once, in order: ${duplicatesAndGaps(seqs)}`);
  for (const { msg, offset } of received) {
    assert.equal(msg.id, acked[msg.seq - 1].id, `seq ${msg.seq}: id`);
    assert.equal(msg.text, `since ${msg.seq}`, `seq ${msg.seq}: text`);
    assert.equal(typeof offset, 'string', `seq ${msg.seq}: offset argument`);
  }
});
