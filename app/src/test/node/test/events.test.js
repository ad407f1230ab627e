'use strict';
// The chat events and their acks: join, message, history.

const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const m = require('../lib/midnight');

const sockets = [];
after(() => m.closeAll(sockets));

function assertError(reply, code, what) {
  assert.ok(reply && typeof reply === 'object' && reply.error && typeof reply.error === 'object',
    `${what}: expected {error: {code: '${code}', message}}, got ${JSON.stringify(reply)}`);
  assert.equal(reply.error.code, code, `${what}: error code (reply ${JSON.stringify(reply)})`);
  assert.equal(typeof reply.error.message, 'string', `${what}: error message (reply ${JSON.stringify(reply)})`);
  assert.ok(reply.error.message.length > 0, `${what}: an empty error message`);
}

function assertAck(ack, what) {
  assert.ok(ack && typeof ack === 'object' && !ack.error, `${what}: expected {id, seq, ts}, got ${JSON.stringify(ack)}`);
  assert.deepEqual(Object.keys(ack).sort(), ['id', 'seq', 'ts'], `${what}: ack keys of ${JSON.stringify(ack)}`);
  assert.ok(Number.isInteger(ack.id) && ack.id > 0, `${what}: id ${ack.id}`);
  assert.ok(Number.isInteger(ack.seq) && ack.seq > 0, `${what}: seq ${ack.seq}`);
  assert.ok(Number.isInteger(ack.ts) && Math.abs(ack.ts - Date.now()) < 60_000, `${what}: ts ${ack.ts} is not now`);
}

test('join: a New Year room answers {id, name, members, lastSeq}; an unknown room and a bad id are errors', { timeout: 20_000 }, async () => {
  const user = await m.createUser('join');
  const socket = await m.connected(sockets, { transports: ['websocket'], auth: { token: user.token } });

  const room = await m.ask(socket, 'join', { room: 1 });
  assert.deepEqual(Object.keys(room).sort(), ['id', 'lastSeq', 'members', 'name'], `join ack ${JSON.stringify(room)}`);
  assert.equal(room.id, 1);
  assert.ok(typeof room.name === 'string' && room.name.length > 0, `name ${JSON.stringify(room.name)}`);
  assert.ok(Number.isInteger(room.members) && room.members >= 1, `members ${room.members}: the joiner is a member`);
  assert.ok(Number.isInteger(room.lastSeq) && room.lastSeq >= 0, `lastSeq ${room.lastSeq}`);

  const again = await m.ask(socket, 'join', { room: 1 });
  assert.equal(again.id, 1, `joining twice is harmless: ${JSON.stringify(again)}`);
  assert.equal(again.members, room.members, 'joining twice does not count the member twice');

  assertError(await m.ask(socket, 'join', { room: 999999 }), 'room_not_found', 'join room 999999');
  assertError(await m.ask(socket, 'join', { room: 'abc' }), 'invalid_request', "join room 'abc'");
  assertError(await m.ask(socket, 'join', { room: -1 }), 'invalid_request', 'join room -1');
  assertError(await m.ask(socket, 'join', {}), 'invalid_request', 'join without a room');
  assertError(await m.ask(socket, 'join', 'room 1'), 'invalid_request', 'join with a string argument');
  assert.equal(socket.connected, true, 'bad requests leave the connection up');
});

test('message: acked {id, seq, ts}; a retry returns the same ack; too long and not a member are errors', { timeout: 20_000 }, async () => {
  const [owner, user] = await m.createUsers(2, 'send');
  const created = await m.createRoom(owner.token, 'send');
  const socket = await m.connected(sockets, { transports: ['websocket'], auth: { token: user.token } });
  const joined = await m.ask(socket, 'join', { room: created.id });
  assert.equal(joined.lastSeq, 0, `a fresh room has no messages: ${JSON.stringify(joined)}`);

  const clientMsgId = m.uniqueName('cm');
  const first = await m.ask(socket, 'message', { room: created.id, text: '🎆 Happy New Year!', clientMsgId });
  assertAck(first, 'first send');
  assert.equal(first.seq, 1, 'the first message of a fresh room has seq 1');
  const retry = await m.ask(socket, 'message', { room: created.id, text: '🎆 Happy New Year!', clientMsgId });
  assert.deepEqual(retry, first, 'a retry with the same clientMsgId gets the identical ack');
  const second = await m.ask(socket, 'message', { room: created.id, text: 'second', clientMsgId: m.uniqueName('cm') });
  assertAck(second, 'second send');
  assert.equal(second.seq, 2, 'the retry stored nothing: the next message has seq 2');
  assert.ok(second.id > first.id, `ids grow: ${first.id} then ${second.id}`);

  const exactly = await m.ask(socket, 'message', { room: created.id, text: '🎉'.repeat(2000), clientMsgId: m.uniqueName('cm') });
  assertAck(exactly, '2,000 characters (code points) are allowed');
  assertError(await m.ask(socket, 'message', { room: created.id, text: 'x'.repeat(2001), clientMsgId: m.uniqueName('cm') }),
    'text_too_long', 'a 2,001-character text');

  const history = await m.ask(socket, 'history', { room: created.id, limit: 10 });
  assert.deepEqual(history.messages.map((x) => x.seq), [3, 2, 1],
    `the room holds exactly the three accepted messages: ${JSON.stringify(history).slice(0, 300)}`);

  // room 8 exists, and this fresh user never joined it, over the socket or HTTP
  assertError(await m.ask(socket, 'message', { room: 8, text: 'hello?', clientMsgId: m.uniqueName('cm') }),
    'not_member', 'sending to a room never joined');
  assert.equal(socket.connected, true, 'refused sends leave the connection up');
});

test('history: newest first, limit and next page through the room', { timeout: 20_000 }, async () => {
  const user = await m.createUser('hist');
  const created = await m.createRoom(user.token, 'hist');
  const socket = await m.connected(sockets, { transports: ['websocket'], auth: { token: user.token } });
  await m.ask(socket, 'join', { room: created.id });
  const acks = [];
  for (let i = 1; i <= 7; i++) {
    const ack = await m.ask(socket, 'message', { room: created.id, text: `history ${i}`, clientMsgId: m.uniqueName('h') });
    assertAck(ack, `send ${i}`);
    acks.push(ack);
  }
  assert.deepEqual(acks.map((a) => a.seq), [1, 2, 3, 4, 5, 6, 7]);

  const page = await m.ask(socket, 'history', { room: created.id, limit: 5 });
  assert.ok(Array.isArray(page.messages), `history answered ${JSON.stringify(page).slice(0, 300)}`);
  assert.deepEqual(page.messages.map((x) => x.seq), [7, 6, 5, 4, 3], 'the 5 newest, newest first');
  for (const msg of page.messages) {
    const ack = acks[msg.seq - 1];
    assert.equal(msg.id, ack.id, `seq ${msg.seq}: id`);
    assert.equal(msg.ts, ack.ts, `seq ${msg.seq}: ts`);
    assert.equal(msg.room, created.id, `seq ${msg.seq}: room`);
    assert.equal(msg.from, user.username, `seq ${msg.seq}: from`);
    assert.equal(msg.text, `history ${msg.seq}`, `seq ${msg.seq}: text`);
  }
  assert.ok(page.next !== null && page.next !== undefined, `more pages remain, so next is set: ${page.next}`);

  const older = await m.ask(socket, 'history', { room: created.id, limit: 5, beforeSeq: page.next });
  assert.deepEqual(older.messages.map((x) => x.seq), [2, 1], `the page before ${page.next}`);
  assert.equal(older.next, null, 'the last page has next null');

  assertError(await m.ask(socket, 'history', { room: 'abc', limit: 5 }), 'invalid_request', "history of room 'abc'");
});
