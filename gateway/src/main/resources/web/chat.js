// The chat page: sign up or log in over HTTP, then one socket.io-client connection (the official client, bundled
// at build time). Each room keeps the highest seq shown: a message is drawn once whatever the path it came by
// (live, replayed after a reconnect, or the ack of our own send), and a rejoin asks for what came after it.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const state = {
    token: localStorage.getItem('midnight.token'),
    user: localStorage.getItem('midnight.user'),
    room: null,
    rooms: new Map(), // id -> {id, name, members, online, lastSeq, oldest, seqs:Set}
    socket: null,
  };

  // ---- auth ----

  async function api(method, path, body) {
    const response = await fetch(path, {
      method,
      headers: { 'Content-Type': 'application/json', ...(state.token ? { Authorization: `Bearer ${state.token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(json.error ? json.error.message : `HTTP ${response.status}`);
    return json;
  }

  async function authenticate(path) {
    const username = $('username').value.trim();
    const password = $('password').value;
    $('auth-error').textContent = '';
    try {
      const body = password ? { username, password } : { username };
      const me = await api('POST', path, body);
      state.token = me.token;
      state.user = me.username;
      localStorage.setItem('midnight.token', me.token);
      localStorage.setItem('midnight.user', me.username);
      await start();
    } catch (e) {
      $('auth-error').textContent = e.message;
    }
  }

  $('auth-form').addEventListener('submit', (e) => { e.preventDefault(); authenticate('/api/users'); });
  $('login').addEventListener('click', () => authenticate('/api/sessions'));
  $('logout').addEventListener('click', () => {
    localStorage.removeItem('midnight.token');
    localStorage.removeItem('midnight.user');
    location.reload();
  });

  // ---- rooms ----

  async function start() {
    let list;
    try {
      list = (await api('GET', '/api/rooms')).rooms;
    } catch (e) {
      localStorage.removeItem('midnight.token'); // expired or foreign token: sign in again
      state.token = null;
      $('auth-error').textContent = e.message;
      return;
    }
    $('auth').hidden = true;
    $('chat').hidden = false;
    $('logout').hidden = false;
    list.forEach((r) => state.rooms.set(r.id, { ...r, online: null, lastSeq: 0, oldest: null, seqs: new Set() }));
    drawRooms();
    connect();
  }

  function drawRooms() {
    const ul = $('rooms');
    ul.innerHTML = '';
    for (const r of state.rooms.values()) {
      const li = document.createElement('li');
      li.setAttribute('role', 'option');
      li.tabIndex = 0;
      li.dataset.room = r.id;
      li.setAttribute('aria-selected', String(r.id === state.room));
      li.innerHTML = '<span class="name"></span><span class="online"></span>';
      li.querySelector('.name').textContent = r.name;
      li.querySelector('.online').textContent = r.online === null ? `${r.members} members` : `${r.online} online`;
      li.addEventListener('click', () => open(r.id));
      li.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); open(r.id); } });
      ul.appendChild(li);
    }
  }

  async function open(id) {
    state.room = id;
    const r = state.rooms.get(id);
    $('room-title').textContent = r.name;
    $('messages').innerHTML = '';
    r.seqs.clear();
    r.lastSeq = 0;
    r.oldest = null;
    drawRooms();
    const joined = await state.socket.emitWithAck('join', { room: id });
    if (joined.error) { $('send-error').textContent = joined.error.message; return; }
    r.members = joined.members;
    await older(r);
    $('text').disabled = false;
    $('send-button').disabled = false;
    $('text').focus();
  }

  /** One page of history above what is shown (newest first from the server). */
  async function older(r) {
    if (r.oldest === 1 || r.loading) return;
    r.loading = true;
    try {
      const page = await state.socket.emitWithAck('history', { room: r.id, limit: 50, ...(r.oldest ? { beforeSeq: r.oldest } : {}) });
      if (page.error) return;
      const list = $('messages');
      const before = list.scrollHeight;
      for (const m of page.messages) add(m, 'top');
      if (!page.messages.length) r.oldest = 1;
      if (r.lastSeq === 0 || before === 0) list.scrollTop = list.scrollHeight; else list.scrollTop += list.scrollHeight - before;
    } finally {
      r.loading = false;
    }
  }

  $('messages').addEventListener('scroll', () => {
    const r = state.rooms.get(state.room);
    if (r && $('messages').scrollTop < 40) older(r);
  });

  // ---- messages ----

  function bubble(m, mine) {
    const li = document.createElement('li');
    if (mine) li.classList.add('mine');
    li.innerHTML = '<span class="from"></span><span class="text"></span><span class="state"></span>';
    li.querySelector('.from').textContent = m.from;
    li.querySelector('.text').textContent = m.text;
    if (m.seq) li.dataset.seq = m.seq;
    return li;
  }

  /** Shows a stored message once: `where` is 'top' for history, else it goes below. */
  function add(m, where) {
    const r = state.rooms.get(m.room);
    if (!r || m.room !== state.room || r.seqs.has(m.seq)) return;
    r.seqs.add(m.seq);
    r.lastSeq = Math.max(r.lastSeq, m.seq);
    r.oldest = r.oldest === null ? m.seq : Math.min(r.oldest, m.seq);
    const list = $('messages');
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 60;
    const li = bubble(m, m.from === state.user);
    if (where === 'top') {
      list.insertBefore(li, list.firstChild);
    } else {
      const next = [...list.children].find((c) => c.dataset.seq && Number(c.dataset.seq) > m.seq);
      list.insertBefore(li, next || null);
      if (atBottom) list.scrollTop = list.scrollHeight;
    }
  }

  $('send').addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = $('text').value.trim();
    if (!text || state.room === null) return;
    $('text').value = '';
    $('send-error').textContent = '';
    const room = state.room;
    const pending = bubble({ from: state.user, text }, true);
    pending.classList.add('pending');
    pending.querySelector('.state').textContent = 'sending…';
    $('messages').appendChild(pending);
    $('messages').scrollTop = $('messages').scrollHeight;
    const clientMsgId = `${state.user}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    try {
      // socket.io-client buffers while disconnected; the same clientMsgId makes a resend safe
      const ack = await state.socket.timeout(15000).emitWithAck('message', { room, text, clientMsgId });
      if (ack.error) throw new Error(ack.error.message);
      pending.remove();
      add({ room, seq: ack.seq, from: state.user, text, ts: ack.ts });
      const shown = $('messages').querySelector(`li[data-seq="${ack.seq}"] .state`);
      if (shown) shown.textContent = '✓';
    } catch (err) {
      pending.classList.remove('pending');
      pending.classList.add('failed');
      pending.querySelector('.state').textContent = 'not sent';
      $('send-error').textContent = `Not sent: ${err.message === 'operation has timed out' ? 'no answer from the server' : err.message}`;
    }
  });

  $('q').addEventListener('keydown', async (e) => {
    if (e.key !== 'Enter') return;
    const q = $('q').value.trim();
    const results = $('results');
    results.innerHTML = '';
    if (!q) return;
    try {
      const found = await api('GET', `/api/search?q=${encodeURIComponent(q)}&limit=20`);
      if (!found.messages.length) results.innerHTML = '<li class="muted">nothing found</li>';
      for (const m of found.messages) {
        const li = document.createElement('li');
        li.textContent = `${m.from}: ${m.text}`;
        results.appendChild(li);
      }
    } catch (err) {
      results.innerHTML = '';
      const li = document.createElement('li');
      li.className = 'error';
      li.textContent = err.message;
      results.appendChild(li);
    }
  });

  // ---- connection ----

  function connect() {
    const socket = io({ auth: { token: state.token } });
    state.socket = socket;
    window.midnight = { socket }; // a handle for the browser console (and the browser tests)
    socket.on('connect', () => {
      $('conn').textContent = 'live';
      $('conn').className = 'pill ok';
      const r = state.rooms.get(state.room);
      // recovered: the server replayed what we missed; else rejoin from the last seq we hold
      if (r && !socket.recovered) socket.emit('join', { room: r.id, sinceSeq: r.lastSeq });
    });
    socket.on('disconnect', () => { $('conn').textContent = 'reconnecting…'; $('conn').className = 'pill bad'; });
    socket.on('connect_error', (e) => {
      $('conn').textContent = e.message === 'unauthorized' ? 'signed out' : 'offline';
      $('conn').className = 'pill bad';
    });
    socket.on('message', (m) => add(m));
    socket.on('presence', (p) => {
      const r = state.rooms.get(p.room);
      if (!r) return;
      r.online = p.online;
      if (p.room === state.room) $('online').textContent = `${p.online} online`;
      drawRooms();
    });
    socket.on('error', (e) => { $('send-error').textContent = e.message; });
  }

  // ---- the countdown to the next local midnight, and a small celebration at 00:00 ----

  function tick() {
    const now = new Date();
    const midnight = new Date(now);
    midnight.setHours(24, 0, 0, 0);
    const left = Math.floor((midnight - now) / 1000);
    const hh = String(Math.floor(left / 3600)).padStart(2, '0');
    const mm = String(Math.floor((left % 3600) / 60)).padStart(2, '0');
    const ss = String(left % 60).padStart(2, '0');
    $('countdown').textContent = `⏳ ${hh}:${mm}:${ss} to midnight`;
    if (left === 0 || (now.getHours() === 0 && now.getMinutes() === 0 && now.getSeconds() === 0)) celebrate();
  }

  function celebrate() {
    if (document.querySelector('.celebrate')) return;
    const burst = document.createElement('div');
    burst.className = 'celebrate';
    burst.setAttribute('aria-hidden', 'true');
    burst.textContent = '🎆🎉🥳';
    document.body.appendChild(burst);
    setTimeout(() => burst.remove(), 4000);
  }

  tick();
  setInterval(tick, 1000);
  if (state.token) start();
})();
