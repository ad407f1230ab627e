// The live dashboard: one EventSource on /api/dashboard/stream; the server pushes a snapshot a second and,
// on connect, the last five minutes. Charts are plain SVG polylines over those points.
'use strict';
(() => {
  const WINDOW = 300;
  const points = [];
  const $ = (id) => document.getElementById(id);
  const num = (v, digits = 0) => (v === undefined || v === null ? '–'
    : Number(v).toLocaleString('en-US', { maximumFractionDigits: digits }));

  function show(p) {
    $('connections').textContent = num(p.connections);
    $('in').textContent = num(p.inPerSecond);
    $('out').textContent = num(p.outPerSecond);
    $('ackP50').textContent = num(p.ackP50, 1);
    $('ackP99').textContent = num(p.ackP99, 1);
    $('batch').textContent = num(p.commitBatch);
    $('shards').textContent = num(p.shards);
    $('fill').textContent = p.activeShardFill === undefined ? '–' : `${num(p.activeShardFill * 100, 1)}%`;
    $('users').textContent = num(p.users);
    $('rooms').textContent = num(p.rooms);
    $('storage').textContent = p.storage || '–';
    const lt = p.loadTest;
    $('loadtest').hidden = !lt;
    if (lt) {
      const g = lt.progress || {};
      $('lt-name').textContent = `${lt.preset} · ${g.phase || lt.state}`;
      const share = g.durationSeconds ? Math.min(1, (g.seconds || 0) / (g.durationSeconds + 5)) : 0;
      $('lt-bar').style.width = `${Math.round(share * 100)}%`;
      $('lt-line').textContent = `connected ${num(g.connected)} of ${num(g.users)} · sent ${num(g.sent)} · acked `
        + `${num(g.acked)} · delivered ${num(g.delivered)} · ${num(g.sentPerSecond)} msgs/s · errors ${num(g.errors)}`;
    }
  }

  function chart(svg, series) {
    const width = 600;
    const height = 160;
    const max = Math.max(1, ...series.flatMap((s) => points.map((p) => p[s.key] || 0)));
    const span = Math.max(60, points.length) - 1; // the first minute spreads over the width, then five
    const x = (i) => (i / span) * width;
    const y = (v) => height - 4 - ((v || 0) / max) * (height - 20);
    svg.innerHTML = `<text x="4" y="12" class="axis">${num(max, 1)}</text>`
      + `<line x1="0" x2="${width}" y1="${height - 4}" y2="${height - 4}" class="base"/>`
      + series.map((s) => `<polyline class="${s.cls}" points="${points.map((p, i) => `${x(i).toFixed(1)},${y(p[s.key]).toFixed(1)}`).join(' ')}"/>`).join('');
  }

  function redraw() {
    chart($('c-conn'), [{ key: 'connections', cls: 'in' }]);
    chart($('c-rate'), [{ key: 'inPerSecond', cls: 'in' }, { key: 'outPerSecond', cls: 'out' }]);
    chart($('c-ack'), [{ key: 'ackP50', cls: 'in' }, { key: 'ackP99', cls: 'out' }]);
  }

  function add(p) {
    points.push(p);
    while (points.length > WINDOW) points.shift();
  }

  const source = new EventSource('/api/dashboard/stream' + location.search);
  source.addEventListener('open', () => { $('status').textContent = 'live'; $('status').className = 'pill ok'; });
  source.addEventListener('error', () => { $('status').textContent = 'reconnecting…'; $('status').className = 'pill bad'; });
  source.addEventListener('history', (e) => {
    points.length = 0;
    JSON.parse(e.data).points.forEach(add);
    if (points.length) show(points[points.length - 1]);
    redraw();
  });
  source.addEventListener('point', (e) => {
    const p = JSON.parse(e.data);
    add(p);
    show(p);
    redraw();
  });
})();
