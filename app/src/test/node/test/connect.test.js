'use strict';
// Connecting with the official client: polling then upgrade, WebSocket only, and refused connects.

const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const m = require('../lib/midnight');

const sockets = [];
after(() => m.closeAll(sockets));

test('default options: connects over polling with the token in the query, then upgrades to websocket', { timeout: 20_000 }, async () => {
  const user = await m.createUser('up');
  const socket = m.client(sockets, { query: { token: user.token } });
  const engine = socket.io.engine;
  assert.ok(engine, 'the manager opens its engine at once');
  assert.equal(engine.transport.name, 'polling', 'io(url) starts over polling');
  const upgraded = m.once(engine, 'upgrade', 10_000, "engine 'upgrade' (polling -> websocket)");
  const upgradeError = new Promise((_, reject) => engine.once('upgradeError',
    (err) => reject(new Error(`upgradeError: ${err && err.message}`))));
  await m.once(socket, 'connect', 5000, 'connect over polling');
  assert.equal(socket.connected, true);
  assert.equal(typeof socket.id, 'string', 'the connect reply carries a sid');
  const [transport] = await Promise.race([upgraded, upgradeError]);
  assert.equal(transport.name, 'websocket', "the 'upgrade' event names the new transport");
  assert.equal(socket.io.engine.transport.name, 'websocket', 'the engine now runs on websocket');

  let disconnected = null;
  socket.on('disconnect', (reason) => { disconnected = reason; });
  await m.sleep(500);
  assert.equal(disconnected, null, `the socket must stay connected after the upgrade (disconnect: ${disconnected})`);
  assert.equal(socket.connected, true);
  // and events flow over the new transport
  const joined = await m.ask(socket, 'join', { room: 1 });
  assert.equal(joined.id, 1, `join over websocket after the upgrade: ${JSON.stringify(joined)}`);
  await m.sleep(600); // the room's presence and anything else the join brings
  assert.equal(disconnected, null, `the socket must stay connected after joining (disconnect: ${disconnected})`);
  assert.equal(socket.io.engine.transport.name, 'websocket');
  assert.equal(socket.connected, true);
});

test("transports: ['websocket'] with the token in auth: connects straight over websocket", { timeout: 20_000 }, async () => {
  const user = await m.createUser('ws');
  const socket = m.client(sockets, { transports: ['websocket'], auth: { token: user.token } });
  assert.equal(socket.io.engine.transport.name, 'websocket');
  let upgrades = 0;
  socket.io.engine.on('upgrade', () => { upgrades += 1; });
  let disconnected = null;
  socket.on('disconnect', (reason) => { disconnected = reason; });
  await m.once(socket, 'connect', 5000, 'connect over websocket');
  assert.equal(socket.connected, true);
  assert.equal(socket.io.engine.transport.name, 'websocket');
  const joined = await m.ask(socket, 'join', { room: 2 });
  assert.equal(joined.id, 2, `join answered ${JSON.stringify(joined)}`);
  await m.sleep(600);
  assert.equal(disconnected, null, `the socket must stay connected after joining (disconnect: ${disconnected})`);
  assert.equal(socket.connected, true);
  assert.equal(upgrades, 0, 'a direct websocket has nothing to upgrade to');
});

async function refused(name, options) {
  const socket = m.client(sockets, options);
  let connects = 0;
  socket.on('connect', () => { connects += 1; });
  const [err] = await m.once(socket, 'connect_error', 5000, `connect_error for ${name}`);
  assert.equal(err.message, 'unauthorized', `${name}: connect_error message (data: ${JSON.stringify(err.data)})`);
  await m.sleep(500);
  assert.equal(connects, 0, `${name}: must never connect`);
  assert.equal(socket.connected, false, `${name}: must not be connected`);
  socket.close();
}

test('a bad token is refused with connect_error "unauthorized"', { timeout: 20_000 }, async () => {
  const user = await m.createUser('bad');
  const tampered = user.token.slice(0, -3) + (user.token.endsWith('AAA') ? 'BBB' : 'AAA');
  await refused('a malformed token (query)', { query: { token: 'not-a-jwt' } });
  await refused('a tampered signature (query)', { query: { token: tampered } });
  await refused('a tampered signature (auth, websocket)', { transports: ['websocket'], auth: { token: tampered } });
  await refused('a malformed token (auth, websocket)', { transports: ['websocket'], auth: { token: 'x.y.z' } });
});

test('a missing token is refused with connect_error "unauthorized"', { timeout: 20_000 }, async () => {
  await refused('no token at all (polling)', {});
  await refused('no token at all (websocket)', { transports: ['websocket'] });
});

test('a bare username proves nothing: connect_error "unauthorized"', { timeout: 20_000 }, async () => {
  const alice = await m.http('POST', '/api/users', { username: 'alice' }); // even when alice exists
  assert.ok(alice.status === 201 || alice.status === 409, `creating alice: ${alice.status} ${alice.text}`);
  await refused("query {username: 'alice'} alone", { query: { username: 'alice' } });
  await refused("auth {username: 'alice'} alone (websocket)", { transports: ['websocket'], auth: { username: 'alice' } });
});
