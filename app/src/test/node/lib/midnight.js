'use strict';
// What the tests share: the server's address, users and rooms over HTTP, socket.io-client sockets that are
// always closed, and bounded waits. Lives outside test/ so that `node --test test/` does not run it as a test.

const { io } = require('socket.io-client');

const URL = process.env.MIDNIGHT_URL;
if (!URL || !/^http:\/\/[^/]+$/.test(URL)) {
  throw new Error(`set MIDNIGHT_URL to a running Midnight, e.g. http://127.0.0.1:4000 (got ${JSON.stringify(URL)})`);
}
const WS_URL = URL.replace(/^http/, 'ws');

// unique per run and per process: usernames are 3..32 of letters, digits, _ - .
const RUN = Date.now().toString(36).slice(-6) + Math.random().toString(36).slice(2, 5);
let counter = 0;

function uniqueName(prefix) {
  counter += 1;
  const name = `${prefix}_${RUN}${process.pid % 1000}_${counter}`;
  if (name.length > 32) {
    throw new Error(`username ${name} is longer than 32 characters: use a shorter prefix`);
  }
  return name;
}

/** Rejects with `what` when `promise` has not settled within `ms`. */
function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when `predicate()` is true (polled every 10 ms); rejects after `ms` with `what()`. */
async function until(predicate, ms, what) {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${ms} ms: ${typeof what === 'function' ? what() : what}`);
    }
    await sleep(10);
  }
}

/** The next `event` of `emitter` (its arguments as an array), at most `ms` away. */
function once(emitter, event, ms, what) {
  let handler;
  const p = new Promise((resolve) => {
    handler = (...args) => resolve(args);
    emitter.once(event, handler);
  });
  return withTimeout(p, ms, what || `event '${event}'`).finally(() => emitter.off(event, handler));
}

async function http(method, path, body, token) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  }
  const res = await fetch(URL + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/** A fresh guest user: {id, username, token}. */
async function createUser(prefix = 'u') {
  const username = uniqueName(prefix);
  const res = await http('POST', '/api/users', { username });
  if (res.status !== 201 || !res.json || typeof res.json.token !== 'string') {
    throw new Error(`POST /api/users ${username} answered ${res.status} ${res.text}`);
  }
  return res.json;
}

/** `n` fresh guest users in one request. */
async function createUsers(n, prefix = 'u') {
  const users = Array.from({ length: n }, () => ({ username: uniqueName(prefix) }));
  const res = await http('POST', '/api/users/batch', { users });
  if (res.status !== 201 || !res.json || !Array.isArray(res.json.users) || res.json.users.length !== n) {
    throw new Error(`POST /api/users/batch answered ${res.status} ${res.text}`);
  }
  return res.json.users;
}

/** A fresh room (its creator joins it over HTTP): {id, name, ...}. Tests that count or order use their own. */
async function createRoom(token, prefix = 'room') {
  const name = `${prefix} ${uniqueName('r')}`;
  const res = await http('POST', '/api/rooms', { name }, token);
  if (res.status !== 201 || !res.json || typeof res.json.id !== 'number') {
    throw new Error(`POST /api/rooms ${name} answered ${res.status} ${res.text}`);
  }
  return res.json;
}

/**
 * A socket.io-client socket (its own Manager; no automatic reconnection unless asked) registered for closing by
 * `closeAll`. Does not wait for the connection.
 */
function client(sockets, options = {}) {
  const socket = io(URL, { forceNew: true, reconnection: false, timeout: 5000, ...options });
  sockets.push(socket);
  return socket;
}

/** Like `client`, and waits for 'connect' (rejects on connect_error or after 5 s). */
async function connected(sockets, options = {}) {
  const socket = client(sockets, options);
  await withTimeout(new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', (err) => reject(new Error(`connect_error: ${err.message}`)));
  }), 5000, 'socket.io connect');
  return socket;
}

/** Emits with an ack, at most `ms` away; the error names the event and the payload. */
async function ask(socket, event, payload, ms = 5000) {
  try {
    return await socket.timeout(ms).emitWithAck(event, payload);
  } catch (err) {
    throw new Error(`no ack for ${event} ${JSON.stringify(payload).slice(0, 200)} within ${ms} ms: ${err.message}`);
  }
}

/** Records every 'message' event (with its offset argument) of a socket, in arrival order. */
function recordMessages(socket) {
  const seen = [];
  socket.on('message', (msg, offset, ...rest) => {
    seen.push({ msg, offset, extra: rest.length });
  });
  return seen;
}

function closeAll(sockets) {
  for (const s of sockets.splice(0)) {
    s.io.reconnection(false);
    s.close();
    if (s.io.engine) {
      s.io.engine.close();
    }
  }
}

module.exports = {
  URL, WS_URL, uniqueName, withTimeout, sleep, until, once, http, createUser, createUsers, createRoom, client,
  connected, ask, recordMessages, closeAll,
};
