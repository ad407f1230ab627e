// The chat page and the dashboard in a real headless Chromium against a real Midnight (MIDNIGHT_URL), driven by
// playwright-core with Debian's browser (CHROMIUM). Screenshots go to SCREENSHOTS.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { mkdirSync } = require('node:fs');
const { join } = require('node:path');
const { chromium } = require('playwright-core');

const BASE = process.env.MIDNIGHT_URL;
const SHOTS = process.env.SCREENSHOTS || 'screenshots';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run'];
let browser;
/** Console lines in which Chromium reports a Content-Security-Policy violation, from every context. */
const cspViolations = [];

async function newContext(options) {
  const context = await browser.newContext(options);
  context.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  return context;
}

before(async () => {
  assert.ok(BASE, 'MIDNIGHT_URL names the server under test');
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ARGS });
});

after(async () => { await browser?.close(); });

async function http(method, path, token, body) {
  const response = await fetch(BASE + path, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await response.json();
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** A fresh browser context (its own storage) signed up as `username` on the chat page. */
async function signUp(username, password) {
  const context = await newContext({ viewport: { width: 1100, height: 760 } });
  const page = await context.newPage();
  await page.goto(BASE + '/');
  await page.getByLabel('Username').fill(username);
  if (password) await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.locator('#rooms li').first().waitFor();
  return { context, page };
}

async function openRoom(page, name) {
  await page.locator('#rooms li', { hasText: name }).click();
  await page.locator('#text:not([disabled])').waitFor();
}

test('two people in one room: one sends, the other sees it, the sender sees it confirmed', async () => {
  const alice = await signUp('alice_' + Date.now().toString(36));
  const bob = await signUp('bob_' + Date.now().toString(36));
  try {
    await openRoom(alice.page, 'Midnight Countdown Party');
    await openRoom(bob.page, 'Midnight Countdown Party');
    const text = `🎆 Happy New Year from Alice! ${Date.now()}`;
    await alice.page.locator('#text').fill(text);
    await alice.page.keyboard.press('Enter');
    await bob.page.locator('#messages li', { hasText: text }).waitFor({ timeout: 10000 });
    await alice.page.locator('#messages li.mine', { hasText: text }).locator('.state', { hasText: '✓' })
      .waitFor({ timeout: 10000 });
    assert.equal(await bob.page.locator('#messages li', { hasText: text }).count(), 1, 'shown once');

    // Bob's connection drops; Alice goes on; Bob's page reconnects and shows each message once
    await bob.page.evaluate(() => window.midnight.socket.io.engine.close());
    await bob.page.locator('#conn', { hasText: 'reconnecting' }).waitFor({ timeout: 5000 });
    const during = [1, 2, 3].map((i) => `🎇 while Bob was away #${i} ${Date.now()}`);
    for (const t of during) {
      await alice.page.locator('#text').fill(t);
      await alice.page.keyboard.press('Enter');
      await alice.page.locator('#messages li.mine', { hasText: t }).locator('.state', { hasText: '✓' }).waitFor();
    }
    await bob.page.locator('#conn', { hasText: 'live' }).waitFor({ timeout: 15000 });
    for (const t of during) {
      await bob.page.locator('#messages li', { hasText: t }).waitFor({ timeout: 10000 });
    }
    await bob.page.waitForTimeout(500);
    for (const t of [text, ...during]) {
      assert.equal(await bob.page.locator('#messages li', { hasText: t }).count(), 1, `once after the reconnect: ${t}`);
    }
    await bob.page.locator('#online', { hasText: 'online' }).waitFor({ timeout: 10000 });
    await alice.page.screenshot({ path: join(SHOTS, 'chat.png') });
  } finally {
    await alice.context.close();
    await bob.context.close();
  }
});

test('scrolling up loads older history', async () => {
  const carol = await http('POST', '/api/users', null, { username: 'carol_' + Date.now().toString(36) });
  const rooms = (await http('GET', '/api/rooms', carol.token)).rooms;
  const room = rooms.find((r) => r.name.includes('Wishes'));
  await http('POST', `/api/rooms/${room.id}/join`, carol.token, {});
  for (let i = 1; i <= 120; i++) {
    await http('POST', `/api/rooms/${room.id}/messages`, carol.token, { text: `wish #${i} ✨`, clientMsgId: `w${i}` });
  }
  const dave = await signUp('dave_' + Date.now().toString(36));
  try {
    await openRoom(dave.page, 'Wishes');
    const list = dave.page.locator('#messages li');
    await dave.page.locator('#messages li', { hasText: 'wish #120 ✨' }).waitFor();
    const first = await list.count();
    assert.equal(first, 50, 'one page of history at first');
    for (let i = 0; i < 10 && (await list.count()) < 120; i++) {
      await dave.page.locator('#messages').evaluate((el) => { el.scrollTop = 0; });
      await dave.page.waitForTimeout(300);
    }
    assert.equal(await list.count(), 120, 'all of it after scrolling up');
    assert.match(await list.first().textContent(), /wish #1 ✨/);
  } finally {
    await dave.context.close();
  }
});

test('on a phone-width screen, by keyboard alone', async () => {
  const context = await newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  const page = await context.newPage();
  try {
    await page.goto(BASE + '/');
    await page.getByLabel('Username').fill('gus_' + Date.now().toString(36));
    await page.keyboard.press('Enter');
    await page.locator('#rooms li').first().waitFor();
    await page.locator('#rooms li').first().focus();
    await page.keyboard.press('Enter');
    await page.locator('#text:not([disabled])').waitFor();
    await page.keyboard.type('🥳 from a phone');
    await page.keyboard.press('Enter');
    await page.locator('#messages li.mine', { hasText: 'from a phone' }).locator('.state', { hasText: '✓' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'phone.png') });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no sideways scrolling (${overflow} px too wide)`);
  } finally {
    await context.close();
  }
});

test('a wrong password shows why', async () => {
  const name = 'erin_' + Date.now().toString(36);
  await http('POST', '/api/users', null, { username: name, password: 'correct horse battery' });
  const context = await newContext();
  const page = await context.newPage();
  try {
    await page.goto(BASE + '/');
    await page.getByLabel('Username').fill(name);
    await page.getByLabel(/^Password/).fill('wrong password!');
    await page.getByRole('button', { name: 'Log in' }).click();
    const error = page.getByRole('alert').first();
    await error.filter({ hasText: /password/i }).waitFor({ timeout: 10000 });
    assert.equal(await page.locator('#chat').isHidden(), true, 'not signed in');
  } finally {
    await context.close();
  }
});

test('the dashboard moves while messages flow', async () => {
  const frank = await http('POST', '/api/users', null, { username: 'frank_' + Date.now().toString(36) });
  await http('POST', '/api/rooms/1/join', frank.token, {});
  const context = await newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  try {
    await page.goto(BASE + '/dashboard');
    await page.locator('#status', { hasText: 'live' }).waitFor({ timeout: 10000 });
    let seenIn = 0;
    for (let i = 0; i < 40 && seenIn === 0; i++) {
      for (let k = 0; k < 5; k++) {
        await http('POST', '/api/rooms/1/messages', frank.token, { text: `🎇 flow ${i}.${k}`, clientMsgId: `f${i}.${k}` });
      }
      await page.waitForTimeout(250);
      seenIn = Number((await page.locator('#in').textContent()).replace(/,/g, '')) || 0;
    }
    assert.ok(seenIn > 0, 'messages in / s rose above 0');
    await page.screenshot({ path: join(SHOTS, 'dashboard.png') });
    assert.notEqual(await page.locator('#users').textContent(), '–');
    await page.waitForTimeout(1500);
    assert.ok(await page.locator('#c-rate polyline').count() >= 2, 'the rate chart draws in and out');

    // a load test the operator starts over the config API shows its progress
    const run = await http('POST', '/api/loadtest/runs', process.env.OPERATOR_KEY, { preset: 'quick', users: 10, rooms: 2,
      durationSeconds: 4, ratePerUser: 1 });
    await page.locator('#loadtest:not([hidden])').waitFor({ timeout: 15000 });
    await page.locator('#lt-name', { hasText: 'quick' }).waitFor();
    for (let i = 0; i < 60; i++) {
      const state = (await http('GET', `/api/loadtest/runs/${run.id}`, process.env.OPERATOR_KEY)).state;
      if (state !== 'running') break;
      await page.waitForTimeout(500);
    }
  } finally {
    await context.close();
  }
});

test('the pages send their security headers and nothing on them broke the Content-Security-Policy', async () => {
  for (const path of ['/', '/dashboard']) {
    const response = await fetch(BASE + path);
    assert.equal(response.status, 200);
    const csp = response.headers.get('content-security-policy') || '';
    assert.match(csp, /script-src 'self'/, `${path}: scripts from this origin only`);
    assert.match(csp, /frame-ancestors 'none'/, `${path}: never framed`);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(response.headers.get('x-frame-options'), 'DENY');
    assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
  }
  assert.deepEqual(cspViolations, [], 'no script, style or connection was refused on the pages above');
});
