// Prints load-test reports side by side as a Markdown table: node table.js LABEL=DIR LABEL=DIR ...
// (each DIR holds the load tool's report.json and the script's server.json)
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const runs = process.argv.slice(2).map((arg) => {
  const [label, dir] = arg.split(/=(.*)/s);
  return {
    label,
    report: JSON.parse(readFileSync(join(dir, 'report.json'))),
    server: JSON.parse(readFileSync(join(dir, 'server.json'))),
  };
});
const n = (x) => (x === null || x === undefined ? 'n/a' : Number(x).toLocaleString('en-US', { maximumFractionDigits: 2 }));
// Sending plus draining: a server that falls behind keeps delivering after the last send.
const busy = (r) => r.phases.filter((p) => p.name === 'send' || p.name === 'drain').reduce((t, p) => t + p.seconds, 0)
  || r.durationSeconds;
const rows = [
  ['sent', (s) => n(s.report.totals.sent)],
  ['acked', (s) => n(s.report.totals.acked)],
  ['delivered / expected', (s) => `${n(s.report.totals.delivered)} / ${n(s.report.totals.expectedDeliveries)}`],
  ['send + drain seconds', (s) => n(busy(s.report))],
  ['deliveries/s (send + drain)', (s) => n(s.report.totals.delivered / busy(s.report))],
  ['ack p50 / p99 ms', (s) => `${n(s.report.latency.ackMs.p50)} / ${n(s.report.latency.ackMs.p99)}`],
  ['end-to-end p50 / p99 ms', (s) => `${n(s.report.latency.endToEndMs.p50)} / ${n(s.report.latency.endToEndMs.p99)}`],
  ['connect p50 / p99 ms', (s) => `${n(s.report.latency.connectMs.p50)} / ${n(s.report.latency.connectMs.p99)}`],
  ['errors', (s) => JSON.stringify(s.report.totals.errors)],
  ['server CPU seconds', (s) => n(s.server.cpuSeconds)],
  ['server peak RSS MB', (s) => n(s.server.peakRssKb / 1024)],
  ['durable acks', (s) => (s.report.verification.storeChecked === false ? 'no (in memory)' : 'yes (fsync before ack)')],
  ['verdict', (s) => s.report.verification.verdict],
];
const c = runs[0].report.config;
console.log(`${runs[0].report.preset}: ${n(c.users)} users, ${c.rooms} rooms, ${c.durationSeconds} s at ${c.ratePerUser} msgs/s per user\n`);
console.log(`| | ${runs.map((r) => r.label).join(' | ')} |`);
console.log(`|---|${runs.map(() => '---').join('|')}|`);
for (const [label, cell] of rows) console.log(`| ${label} | ${runs.map(cell).join(' | ')} |`);
