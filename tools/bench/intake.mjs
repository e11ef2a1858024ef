// The benchmark's intake-latency phase: POST /v1/jobs at fixed request rates (autocannon,
// BENCH_INTAKE_RATES, default 500,1000,2000 req/s, BENCH_INTAKE_SECONDS each, BENCH_INTAKE_CONNECTIONS
// keep-alive connections, default 16: at 64, autocannon's paced connections fire in bursts that
// queue behind each other, on the bare server too) against the api with a worker draining the queue, and the same load against a
// bare Node HTTP server answering 202 with a job-sized JSON body in a process of its own: the
// machine's floor for the same client, measured in the same run. Reported per rate: achieved
// rate, p50/p90/p99/max latency, non-2xx, and voxq's p99 against the bare server's.
import autocannon from 'autocannon';
import { freePort } from '../lib/net.mjs';
import { start, stop, unlessExited } from './processes.mjs';
import { startBenchStack } from './stack.mjs';
import { httpOk, until } from './wait.mjs';

const BARE_SERVER = `
const http = require('node:http');
const body = JSON.stringify({ id: 'job_0000000000000000000000000000', object: 'job', type: 'complete', status: 'queued', intent: {}, constraints: {}, metadata: {}, webhook: null, attempts: 0, createdAt: new Date().toISOString(), startedAt: null, finishedAt: null, result: null, error: null });
const server = http.createServer((req, res) => {
  if (req.url === '/healthz') return res.end('ok');
  const chunks = [];
  req.on('data', (c) => chunks.push(c)).on('end', () => {
    JSON.parse(Buffer.concat(chunks).toString() || '{}');
    res.writeHead(202, { 'content-type': 'application/json' }).end(body);
  });
});
server.keepAliveTimeout = 65000;
server.listen(Number(process.env.PORT), '127.0.0.1');
`;

function load({ url, rate, seconds, headers, body, connections }) {
  return new Promise((resolve, reject) => {
    autocannon({ url, method: 'POST', connections, overallRate: rate, duration: seconds, headers, body }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

const summary = (r, seconds) => ({
  rate: r.requests.total / seconds,
  p50: r.latency.p50,
  p90: r.latency.p90,
  p99: r.latency.p99,
  max: r.latency.max,
  non2xx: r.non2xx,
  errors: r.errors + r.timeouts,
});

export async function runIntake({ env, opts, step }) {
  step(
    `intake latency: POST /v1/jobs at ${opts.intakeRates.join(', ')} req/s for ${opts.intakeSeconds} s each (autocannon, ${opts.intakeConnections} connections), against a bare HTTP server's`,
  );
  const body = JSON.stringify({ type: 'complete', input: { messages: [{ role: 'user', content: 'hi' }] } });
  const results = [];

  const port = await freePort();
  const bare = start('intake bare server', process.execPath, ['-e', BARE_SERVER], { env: { ...process.env, PORT: String(port) } });
  try {
    await unlessExited(
      bare,
      until('the bare server', () => httpOk(`http://127.0.0.1:${port}/healthz`), 10_000),
    );
    for (const rate of opts.intakeRates) {
      await load({
        url: `http://127.0.0.1:${port}/v1/jobs`,
        rate,
        seconds: 2,
        headers: { 'content-type': 'application/json' },
        body,
        connections: opts.intakeConnections,
      }); // warm-up
      const r = await unlessExited(
        bare,
        load({
          url: `http://127.0.0.1:${port}/v1/jobs`,
          rate,
          seconds: opts.intakeSeconds,
          headers: { 'content-type': 'application/json' },
          body,
          connections: opts.intakeConnections,
        }),
      );
      results.push({ rate, bare: summary(r, opts.intakeSeconds) });
    }
  } finally {
    await stop(bare);
  }

  const stack = await startBenchStack({ env, extraEnv: { WORKER_CONCURRENCY: String(opts.concurrency) } });
  try {
    const apiKey = stack.keyFor('bench-intake');
    const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
    for (const entry of results) {
      await stack.guard(load({ url: `${stack.url}/v1/jobs`, rate: entry.rate, seconds: 2, headers, body, connections: opts.intakeConnections }));
      const r = await stack.guard(
        load({ url: `${stack.url}/v1/jobs`, rate: entry.rate, seconds: opts.intakeSeconds, headers, body, connections: opts.intakeConnections }),
      );
      entry.voxq = summary(r, opts.intakeSeconds);
    }
  } finally {
    await stack.close();
  }
  return results;
}

export function printIntake(results) {
  const n = (x, d = 1) => (x === null || x === undefined ? 'n/a' : (Math.round(x * 10 ** d) / 10 ** d).toLocaleString('en-US'));
  console.log('\nintake latency, POST /v1/jobs (autocannon, paced; a worker drains the queue on the same machine; voxq vs a bare Node server in the same run)');
  for (const { rate, bare, voxq } of results) {
    const line = (x) =>
      `${n(x.rate, 0)} req/s, p50 ${n(x.p50)} ms, p90 ${n(x.p90)} ms, p99 ${n(x.p99)} ms, max ${n(x.max)} ms${x.non2xx || x.errors ? `, non-2xx ${x.non2xx}, errors ${x.errors}` : ''}`;
    console.log(`  ${String(rate).padStart(5)} req/s offered  voxq: ${line(voxq)}`);
    console.log(`  ${''.padStart(19)}bare: ${line(bare)}  → voxq p99 ${n(voxq.p99 / Math.max(bare.p99, 1), 2)}× the bare server's`);
  }
}
