// The benchmark's batch phase: one tenant's big OpenAI-style batch (BENCH_BATCH_LINES, 50,000
// chat completion lines, uploaded as a JSONL file) through the api, worker and simulator
// processes (zero latency), while another tenant sends single chat completions one after
// another (BENCH_BATCH_PROBES, 50, through POST /v1/chat/completions, which answers when
// the job is done). Reported: validation time, expansion and completion rates (lines/s, and
// as a ratio against the same run's raw BullMQ baseline), the peak RSS of the worker (where
// the batch runner streams the file in and the output out) and of the api, the output file's
// line count, and the single jobs' latency during the batch against before it.
import { redisKeys } from '../lib/redis-keys.mjs';
import { memoryOf, startBenchStack } from './stack.mjs';
import { sleep } from './wait.mjs';

const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];

export async function runBatches({ env, redis, prefix, opts, step }) {
  const lines = opts.batchLines;
  step(`batches: a ${lines}-line chat completion batch, with another tenant's single jobs (${opts.batchProbes} before, then during it)`);
  const stack = await startBenchStack({ env, extraEnv: { WORKER_CONCURRENCY: String(opts.concurrency), BATCH_POLL_MS: '200' } });
  const { guard, url: api } = stack;
  const worker = stack.workers[0];
  const apiProc = stack.api;
  const batchKey = stack.keyFor('bench-batch');
  const singleKey = stack.keyFor('bench-single');

  const call = async (key, method, path, body, headers = {}) => {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body ? { body: body instanceof FormData ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return /^application\/json\b(?!l)/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : text;
  };
  const probe = async () => {
    const started = performance.now();
    await call(singleKey, 'POST', '/v1/chat/completions', { messages: [{ role: 'user', content: 'quick' }] });
    return performance.now() - started;
  };

  try {
    for (let i = 0; i < 20; i++) await guard(probe()); // warm-up
    const before = [];
    for (let i = 0; i < opts.batchProbes; i++) before.push(await guard(probe()));

    const jsonl = Array.from({ length: lines }, (_, i) =>
      JSON.stringify({
        custom_id: `req-${i}`,
        method: 'POST',
        url: '/v1/chat/completions',
        body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `line ${i}` }] },
      }),
    ).join('\n');
    const form = new FormData();
    form.append('purpose', 'batch');
    form.append('file', new Blob([`${jsonl}\n`], { type: 'application/jsonl' }), 'bench.jsonl');
    const uploadStarted = performance.now();
    const file = await guard(call(batchKey, 'POST', '/v1/files', form));
    const uploadMs = performance.now() - uploadStarted;
    const workerIdle = memoryOf(worker.pid);

    const t0 = performance.now();
    const created = await guard(call(batchKey, 'POST', '/v1/batches', { input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' }));
    const progressKey = redisKeys(prefix).batches.progress('bench-batch', created.id);
    const marks = {};
    let batch = created;
    const during = [];
    let probing = null;
    for (;;) {
      await guard(sleep(100));
      batch = await guard(call(batchKey, 'GET', `/v1/batches/${created.id}`));
      const now = performance.now() - t0;
      if (batch.status !== 'validating' && marks.inProgressMs === undefined) marks.inProgressMs = now;
      if (marks.expandedMs === undefined && Number(await redis.hget(progressKey, 'expanded')) >= lines) marks.expandedMs = now;
      // Probe once the batch's jobs are flowing, sequentially, while it runs.
      if (!probing && batch.request_counts.completed > 0) {
        probing = (async () => {
          for (let i = 0; i < opts.batchProbes && !marks.doneMs; i++) {
            // Batch lines not yet ended when the probe is sent: what a FIFO queue would put ahead of it.
            const p = await redis.hgetall(progressKey);
            const ahead = Number(p.expanded ?? 0) - Number(p.completed ?? 0) - Number(p.failed ?? 0) - Number(p.cancelled ?? 0);
            during.push({ ms: await probe(), at: performance.now() - t0, ahead });
          }
        })();
      }
      if (['completed', 'failed', 'expired', 'cancelled'].includes(batch.status)) {
        marks.doneMs = now;
        break;
      }
      if (now > opts.batchTimeoutMs)
        throw new Error(`the batch is still ${batch.status} after ${opts.batchTimeoutMs} ms: ${JSON.stringify(batch.request_counts)}`);
    }
    await probing;
    const memory = { worker: memoryOf(worker.pid), api: memoryOf(apiProc.pid), workerIdle };
    const output = batch.output_file_id ? await call(batchKey, 'GET', `/v1/files/${batch.output_file_id}/content`) : '';
    const outputLines = output ? output.trimEnd().split('\n').length : 0;
    const inBatch = during.filter((d) => d.at < marks.doneMs);
    const duringBatch = inBatch.map((d) => d.ms);
    const aheadMedian = inBatch.length
      ? percentile(
          inBatch.map((d) => d.ahead),
          50,
        )
      : null;
    return {
      lines,
      status: batch.status,
      requestCounts: batch.request_counts,
      outputLines,
      uploadMs,
      validateMs: marks.inProgressMs,
      expandedMs: marks.expandedMs ?? null,
      doneMs: marks.doneMs,
      linesPerSecond: (lines / marks.doneMs) * 1000,
      expandPerSecond: marks.expandedMs ? (lines / marks.expandedMs) * 1000 : null,
      memory,
      probes: {
        before: { p50: percentile(before, 50), p99: percentile(before, 99), max: Math.max(...before), n: before.length },
        during: duringBatch.length
          ? { p50: percentile(duringBatch, 50), p99: percentile(duringBatch, 99), max: Math.max(...duringBatch), n: duringBatch.length }
          : null,
        aheadMedian,
        fifoWaitEstimateMs: aheadMedian === null ? null : (aheadMedian / lines) * marks.doneMs,
      },
    };
  } finally {
    await stack.close();
  }
}

export function printBatches(r, baseline) {
  const row = (label, value) => console.log(`  ${label.padEnd(34)}${value}`);
  const n = (x, d = 0) => (x === null || x === undefined ? 'n/a' : (Math.round(x * 10 ** d) / 10 ** d).toLocaleString('en-US'));
  console.log(`\nbatches: ${n(r.lines)}-line chat completion batch (OpenAI Batch API), simulator at zero latency`);
  row('outcome', `${r.status}, ${JSON.stringify(r.requestCounts)}, output file ${n(r.outputLines)} lines`);
  row('upload (multipart → S3)', `${n(r.uploadMs)} ms`);
  row('validated (→ in_progress)', `${n(r.validateMs)} ms`);
  row('expanded into jobs', `${n(r.expandedMs)} ms (${n(r.expandPerSecond)} lines/s)`);
  row('completed, output written', `${n(r.doneMs)} ms: ${n(r.linesPerSecond)} lines/s, ratio ${n(r.linesPerSecond / baseline.jobsPerSecond, 3)} vs raw BullMQ`);
  row(
    'peak RSS worker / api',
    `${n(r.memory.worker.peakMiB)} MiB / ${n(r.memory.api.peakMiB)} MiB (worker before the batch: ${n(r.memory.workerIdle.peakMiB)} MiB)`,
  );
  const p = (x) => (x ? `p50 ${n(x.p50, 1)} ms, p99 ${n(x.p99, 1)} ms, max ${n(x.max, 1)} ms (${x.n})` : 'n/a');
  row("other tenant's single job, before", p(r.probes.before));
  row("other tenant's single job, during", `${p(r.probes.during)}${r.probes.during ? `; p50 ratio ${n(r.probes.during.p50 / r.probes.before.p50, 2)}` : ''}`);
  row(
    '  without priorities (FIFO), est.',
    `${n(r.probes.aheadMedian)} batch lines queued ahead (median) ≈ ${n(r.probes.fifoWaitEstimateMs)} ms wait at the measured rate`,
  );
}
