// The benchmark's realtime phase (issue 18): sessions relayed by one api process.
//
//   latency   BENCH_REALTIME_SAMPLES (200) round trips on one session each way, alternating: a
//             session.update answered by session.updated, direct to the simulator's OpenAI
//             realtime socket and through voxq's GET /v1/realtime relay: p50/p99 of each and
//             the ratio voxq / direct (the relay's cost per event, both directions counted).
//   slow      one client that stops reading while its session streams audio responses (asked
//             for every 50 ms): the api's RSS before and at its highest, and how the session
//             ended (`slow_client` after REALTIME_SLOW_CLIENT_MS, 2 s here).
//   sessions  BENCH_REALTIME_SESSIONS (500) sessions opened through one api and held at once,
//             each running one text turn to response.done: all opened?, the time to open them,
//             and the api's RSS before and with them all open (per session).
//
// Runs in `npm run bench` (BENCH_REALTIME=0 skips it), or alone once the apps are built:
// `node tools/bench/realtime.mjs` (REDIS_URL; S3 as the bench finds it).
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { percentile as percentileOfSorted } from './http-load.mjs';
import { startBenchStack, memoryOf } from './stack.mjs';

const percentile = (values, p) =>
  percentileOfSorted(
    [...values].sort((a, b) => a - b),
    p,
  );

/** A session socket that resolves each awaited event type in order. */
function openSession(url, headers) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers, perMessageDeflate: false });
    const waiting = new Map();
    let sessionId = null;
    socket.once('upgrade', (res) => (sessionId = res.headers['x-voxq-session-id'] ?? null));
    socket.on('message', (data) => {
      const type = /"type"\s*:\s*"([^"]+)"/.exec(data.toString('latin1', 0, 160))?.[1];
      const wake = waiting.get(type);
      if (wake) {
        waiting.delete(type);
        wake();
      }
    });
    const next = (type, timeoutMs = 30_000) =>
      new Promise((ok, fail) => {
        const timer = setTimeout(() => fail(new Error(`no ${type} within ${timeoutMs} ms`)), timeoutMs);
        waiting.set(type, () => {
          clearTimeout(timer);
          ok();
        });
      });
    const created = next('session.created');
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`handshake refused: HTTP ${res.statusCode}`)));
    socket.once('open', () => created.then(() => resolve({ socket, next, send: (e) => socket.send(JSON.stringify(e)), sessionId }), reject));
  });
}

async function roundTrip(session, i) {
  const started = performance.now();
  const answered = session.next('session.updated');
  session.send({ type: 'session.update', session: { type: 'realtime', instructions: `sample ${i}` } });
  await answered;
  return performance.now() - started;
}

async function textTurn(session) {
  session.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello from the bench' }] } });
  const done = session.next('response.done');
  session.send({ type: 'response.create', response: { output_modalities: ['text'] } });
  await done;
}

/** A client that stops reading: the api must hold at most its bound for it, then cut it. */
async function slowClient(stack, url, headers) {
  const session = await openSession(url, headers);
  const words = Array.from({ length: 20 }, (_, i) => `slowword${String(i).padStart(2, '0')}`).join(' ');
  session.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: words }] } });
  session.socket.pause();
  const pid = stack.api.pid;
  const before = memoryOf(pid).rssMiB;
  let highest = before;
  const started = performance.now();
  const sampler = setInterval(() => (highest = Math.max(highest, memoryOf(pid).rssMiB)), 50);
  const asker = setInterval(() => session.send({ type: 'response.create' }), 50);
  const record = async () => (await fetch(`${stack.url}/v1/realtime/sessions/${session.sessionId}`, { headers })).json();
  let ended = null;
  try {
    while (performance.now() - started < 30_000) {
      const r = await record();
      if (r.status === 'completed') {
        ended = r;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    clearInterval(sampler);
    clearInterval(asker);
    session.socket.terminate();
  }
  return { apiRssMiB: { before, highest }, closeReason: ended?.closeReason ?? null, cutAfterMs: ended?.durationMs ?? null };
}

const closeAll = (sessions) => Promise.all(sessions.map((s) => new Promise((resolve) => (s.socket.once('close', resolve), s.socket.close(1000)))));

export async function runRealtime({ env, opts, step }) {
  const { realtimeSamples: samples, realtimeSessions: many } = opts;
  const stack = await startBenchStack({ env, extraEnv: { REALTIME_MAX_SESSIONS_PER_TENANT: '0', REALTIME_SLOW_CLIENT_MS: '2000' } });
  try {
    const apiKey = stack.keyFor('bench-realtime');
    const viaVoxq = `${stack.url.replace(/^http/, 'ws')}/v1/realtime?model=gpt-realtime`;
    const direct = `${stack.env.OPENAI_BASE_URL.replace(/^http/, 'ws')}/realtime?model=gpt-realtime`;
    const voxqHeaders = { authorization: `Bearer ${apiKey}` };
    const directHeaders = { authorization: 'Bearer sk-sim-bench' };

    step(`realtime: ${samples} event round trips each way (session.update → session.updated), direct and through the relay, alternating`);
    const [d, v] = [await openSession(direct, directHeaders), await openSession(viaVoxq, voxqHeaders)];
    for (let i = 0; i < 20; i++) await Promise.all([roundTrip(d, i), roundTrip(v, i)]); // warm-up
    const rtt = { direct: [], voxq: [] };
    for (let i = 0; i < samples; i++) {
      rtt.direct.push(await roundTrip(d, i));
      rtt.voxq.push(await roundTrip(v, i));
    }
    await closeAll([d, v]);

    step('realtime: a client that stops reading while its session streams audio');
    const slow = await slowClient(stack, viaVoxq, voxqHeaders);

    step(`realtime: ${many} sessions held at once through one api, one text turn each`);
    const before = memoryOf(stack.api.pid);
    const opening = performance.now();
    const results = await Promise.allSettled(Array.from({ length: many }, () => openSession(viaVoxq, voxqHeaders)));
    const openSeconds = (performance.now() - opening) / 1000;
    const open = results.filter((r) => r.status === 'fulfilled').map((r) => r.value);
    const turns = await Promise.allSettled(open.map((s) => textTurn(s)));
    const held = memoryOf(stack.api.pid);
    await closeAll(open);
    const p50 = (xs) => percentile(xs, 50);
    return {
      samples,
      direct: { p50Ms: p50(rtt.direct), p99Ms: percentile(rtt.direct, 99) },
      voxq: { p50Ms: p50(rtt.voxq), p99Ms: percentile(rtt.voxq, 99) },
      ratioP50: p50(rtt.voxq) / p50(rtt.direct),
      slow,
      sessions: {
        asked: many,
        opened: open.length,
        turnsDone: turns.filter((t) => t.status === 'fulfilled').length,
        failed: results
          .filter((r) => r.status === 'rejected')
          .map((r) => String(r.reason?.message ?? r.reason))
          .slice(0, 3),
        openSeconds,
        apiRssMiB: { before: before.rssMiB, held: held.rssMiB, peak: held.peakMiB },
        perSessionKiB: open.length ? ((held.rssMiB - before.rssMiB) * 1024) / open.length : null,
      },
    };
  } finally {
    await stack.close();
  }
}

export function printRealtime(r) {
  const n = (x, d = 1) => (x === null || x === undefined ? 'n/a' : (Math.round(x * 10 ** d) / 10 ** d).toLocaleString('en-US'));
  const row = (label, value) => console.log(`  ${label.padEnd(34)}${value}`);
  console.log(`\nrealtime: ${r.samples} event round trips each way (session.update → session.updated)`);
  row('direct p50 / p99', `${n(r.direct.p50Ms, 2)} ms / ${n(r.direct.p99Ms, 2)} ms`);
  row('through voxq p50 / p99', `${n(r.voxq.p50Ms, 2)} ms / ${n(r.voxq.p99Ms, 2)} ms`);
  row('ratio voxq / direct (p50)', n(r.ratioP50, 2));
  console.log('  a client that stops reading, its session streaming audio:');
  row('  api RSS before / highest', `${n(r.slow.apiRssMiB.before, 0)} / ${n(r.slow.apiRssMiB.highest, 0)} MiB`);
  row('  session ended', `${r.slow.closeReason ?? 'not ended'} after ${n(r.slow.cutAfterMs / 1000, 1)} s`);
  const s = r.sessions;
  console.log(`  ${s.asked} sessions held at once through one api:`);
  row(
    '  opened / text turns done',
    `${s.opened} / ${s.turnsDone} in ${n(s.openSeconds, 2)} s${s.failed.length ? ` (first failures: ${s.failed.join('; ')})` : ''}`,
  );
  row('  api RSS before / held / peak', `${n(s.apiRssMiB.before, 0)} / ${n(s.apiRssMiB.held, 0)} / ${n(s.apiRssMiB.peak, 0)} MiB`);
  row('  api RSS per session', `${n(s.perSessionKiB, 0)} KiB`);
}

// Alone: `node tools/bench/realtime.mjs`, with the apps already built (`node tools/build-app.mjs api worker simulator cli`).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { ensureRedis, deletePrefix } = await import('./redis.mjs');
  const { ensureS3 } = await import('./s3.mjs');
  const { opts } = await import('./options.mjs');
  const { Redis } = await import('ioredis');
  const found = await ensureRedis(process.env.REDIS_URL || 'redis://127.0.0.1:6379');
  const s3 = await ensureS3(process.env);
  const prefix = `bench-realtime-${Date.now()}`;
  try {
    const result = await runRealtime({
      env: { ...process.env, ...s3.env, REDIS_URL: found.url, REDIS_PREFIX: prefix },
      opts,
      step: (t) => console.log(`· ${t}`),
    });
    printRealtime(result);
  } finally {
    await s3.close?.().catch(() => undefined);
    const redis = new Redis(found.url);
    await deletePrefix(redis, prefix).catch(() => undefined);
    redis.disconnect();
  }
}
