'use strict';
// Engine.IO over plain HTTP: the handshake, and the 400 answers with the official error codes.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const m = require('../lib/midnight');

async function expectEngineError(method, query, code, body) {
  const res = await m.http(method, `/socket.io/?${query}`, body);
  const what = `${method} /socket.io/?${query}`;
  assert.equal(res.status, 400, `${what}: status (body ${res.text})`);
  assert.ok(res.json && typeof res.json === 'object', `${what}: a JSON body, got ${res.text}`);
  assert.equal(res.json.code, code, `${what}: Engine.IO error code in ${res.text}`);
  assert.ok(typeof res.json.message === 'string' && res.json.message.length > 0, `${what}: message in ${res.text}`);
}

test('Engine.IO protocol errors over HTTP: 400 with {code, message}', { timeout: 20_000 }, async () => {
  await expectEngineError('GET', 'EIO=3&transport=polling', 5);
  await expectEngineError('GET', 'transport=polling', 5);
  await expectEngineError('GET', 'EIO=4&transport=foo', 0);
  await expectEngineError('GET', 'EIO=4', 0);
  await expectEngineError('GET', 'EIO=4&transport=polling&sid=no-such-session', 1);
  await expectEngineError('POST', 'EIO=4&transport=polling&sid=no-such-session', 1, '40');
});

test('Engine.IO handshake over polling: 0{sid, upgrades, pingInterval, pingTimeout, maxPayload}', { timeout: 20_000 }, async () => {
  const res = await m.http('GET', '/socket.io/?EIO=4&transport=polling');
  assert.equal(res.status, 200, `handshake: ${res.status} ${res.text}`);
  assert.ok(res.text.startsWith('0{'), `an open packet: ${res.text}`);
  const open = JSON.parse(res.text.slice(1));
  assert.deepEqual(Object.keys(open).sort(), ['maxPayload', 'pingInterval', 'pingTimeout', 'sid', 'upgrades'],
    `exactly the v4 handshake keys: ${res.text}`);
  assert.deepEqual(open.upgrades, ['websocket']);
  assert.ok(typeof open.sid === 'string' && open.sid.length > 0);
  assert.ok(Number.isInteger(open.pingInterval) && Number.isInteger(open.pingTimeout) && Number.isInteger(open.maxPayload));
  // a CONNECT without a token over polling: refused, then the session ends with a close packet
  const url = `${m.URL}/socket.io/?EIO=4&transport=polling&sid=${open.sid}`;
  const post = await fetch(url, { method: 'POST', body: '40', headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
    signal: AbortSignal.timeout(5000) });
  assert.equal(post.status, 200, 'POST 40');
  assert.equal(await post.text(), 'ok', 'a POST is answered ok');
  const poll = await fetch(url, { signal: AbortSignal.timeout(5000) });
  const packets = (await poll.text()).split('\x1e');
  assert.equal(poll.status, 200);
  assert.deepEqual(packets, ['44{"message":"unauthorized"}', '1'],
    'the GET carries the CONNECT_ERROR then the Engine.IO close, joined by the record separator');
  const gone = await m.http('GET', `/socket.io/?EIO=4&transport=polling&sid=${open.sid}`);
  assert.equal(gone.status, 400, `the closed session is gone: ${gone.status} ${gone.text}`);
  assert.equal(gone.json && gone.json.code, 1, `its sid is unknown: ${gone.text}`);
});
