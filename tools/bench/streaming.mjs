// The benchmark's streaming phase: tokens through the queue against the same paced upstream.
//
//   ttft      BENCH_STREAM_SAMPLES (40) streamed chat completions, one at a time, alternating
//             direct to the simulator and through voxq (POST /v1/chat/completions, stream: true
//             → complete queue → worker streaming from the simulator → Redis → api), the
//             simulator pacing BENCH_STREAM_TOKENS (20) tokens BENCH_STREAM_TOKEN_MS (100) ms
//             apart: time to the first content chunk, p50/p99 of each and voxq minus direct,
//             and whether the content chunks are the same pieces.
//   many      BENCH_STREAM_CONCURRENT (500) streams at once through one api and one worker
//             (tokens BENCH_STREAM_MANY_TOKEN_MS, 50 ms apart), then as many direct: the delay
//             between consecutive content chunks (p50/p99 of each), streams completed, and the
//             api's and worker's peak RSS.
import { percentile as percentileOfSorted } from './http-load.mjs';
import { cpuSeconds } from './processes.mjs';
import { startBenchStack, memoryOf } from './stack.mjs';

const percentile = (values, p) =>
  percentileOfSorted(
    [...values].sort((a, b) => a - b),
    p,
  );

/** One streamed completion: ms to the first content piece, the gaps between pieces, and the pieces. */
async function streamOnce(url, headers, body) {
  const started = performance.now();
  const startedAt = Date.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const headersMs = performance.now() - started;
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  const decoder = new TextDecoder();
  const pieces = [];
  const at = [];
  let buffer = '';
  let done = false;
  let error = null;
  for await (const chunk of res.body) {
    buffer += decoder.decode(chunk, { stream: true });
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      if (!data) continue;
      if (data === '[DONE]') {
        done = true;
        continue;
      }
      const parsed = JSON.parse(data);
      if (parsed.error) error = parsed.error.code ?? 'error';
      const content = parsed.choices?.[0]?.delta?.content;
      if (content) {
        pieces.push(content);
        at.push(performance.now() - started);
      }
    }
  }
  return {
    ttftMs: at[0] ?? null,
    gaps: at.slice(1).map((t, i) => t - at[i]),
    pieces,
    done,
    error,
    headersMs,
    startedAt,
    jobId: res.headers.get('x-voxq-job-id'),
  };
}

const words = (n) => Array.from({ length: Math.max(1, n - 3) }, (_, i) => `w${i}`).join(' ');

export async function runStreaming({ env, opts, step }) {
  const { streamSamples: samples, streamTokens: tokens, streamTokenMs: tokenMs, streamConcurrent: concurrent, streamManyTokenMs: manyTokenMs } = opts;
  const stack = await startBenchStack({ env, extraEnv: { WORKER_CONCURRENCY: String(Math.max(64, concurrent + 64)) } });
  try {
    const apiKey = stack.keyFor('bench-streaming');
    const pace = (ms) =>
      fetch(`${stack.env.OPENAI_BASE_URL.replace(/\/v1$/, '')}/_simulator/latency`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ latencyMs: 0, tokenMs: ms }),
      });
    // "Simulated reply to: " and the prompt's words: `tokens` pieces in all.
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: words(tokens) }], stream: true };
    const direct = () => streamOnce(`${stack.env.OPENAI_BASE_URL}/chat/completions`, { authorization: 'Bearer sk-sim-bench' }, body);
    const voxq = () => streamOnce(`${stack.url}/v1/chat/completions`, { authorization: `Bearer ${apiKey}` }, body);

    step(`streaming: time to first token, ${samples} streams each way, ${tokens} tokens ${tokenMs} ms apart (alternating direct / voxq)`);
    await pace(tokenMs);
    await voxq(); // warm-up: connections, scripts, JIT
    await direct();
    const ttft = { direct: [], voxq: [], overhead: [], equal: 0, failed: 0 };
    for (let i = 0; i < samples; i++) {
      const d = await direct();
      const v = await voxq();
      if (!v.done || v.error || v.ttftMs === null) ttft.failed++;
      else {
        ttft.direct.push(d.ttftMs);
        ttft.voxq.push(v.ttftMs);
        ttft.overhead.push(v.ttftMs - d.ttftMs);
        if (JSON.stringify(v.pieces) === JSON.stringify(d.pieces)) ttft.equal++;
      }
    }

    step(`streaming: ${concurrent} streams at once through one api and one worker, tokens ${manyTokenMs} ms apart (then as many direct)`);
    await pace(manyTokenMs);
    const before = { api: memoryOf(stack.api.pid), worker: memoryOf(stack.workers[0].pid) };
    const pids = { api: stack.api.pid, worker: stack.workers[0].pid, simulator: stack.simulator.pid, client: process.pid };
    const cpuBefore = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
    const manyStarted = performance.now();
    const manyVoxq = await Promise.all(Array.from({ length: concurrent }, () => voxq().catch((e) => ({ error: String(e), gaps: [], done: false }))));
    const manySeconds = (performance.now() - manyStarted) / 1000;
    // Where the first token's wait went: the API's answer (submitted) and the queue (job started).
    const started = await Promise.all(
      manyVoxq
        .filter((r) => r.jobId)
        .map(async (r) => {
          const job = await (await fetch(`${stack.url}/v1/jobs/${r.jobId}`, { headers: { authorization: `Bearer ${apiKey}` } })).json();
          return Date.parse(job.startedAt) - r.startedAt;
        }),
    );
    // Share of one core each process used while the streams ran.
    const cpu = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, (cpuSeconds(pid) - cpuBefore[name]) / manySeconds]));
    const after = { api: memoryOf(stack.api.pid), worker: memoryOf(stack.workers[0].pid) };
    const manyDirect = await Promise.all(Array.from({ length: concurrent }, () => direct().catch((e) => ({ error: String(e), gaps: [], done: false }))));
    const gaps = (runs) => runs.flatMap((r) => r.gaps);
    const summary = (runs) => ({
      completed: runs.filter((r) => r.done && !r.error).length,
      gapP50Ms: percentile(gaps(runs), 50),
      gapP99Ms: percentile(gaps(runs), 99),
      ttftP50Ms: percentile(
        runs.filter((r) => r.ttftMs != null).map((r) => r.ttftMs),
        50,
      ),
      ttftP99Ms: percentile(
        runs.filter((r) => r.ttftMs != null).map((r) => r.ttftMs),
        99,
      ),
    });
    return {
      tokens,
      tokenMs,
      samples,
      ttft: {
        directP50Ms: percentile(ttft.direct, 50),
        directP99Ms: percentile(ttft.direct, 99),
        voxqP50Ms: percentile(ttft.voxq, 50),
        voxqP99Ms: percentile(ttft.voxq, 99),
        overheadP50Ms: percentile(ttft.overhead, 50),
        overheadP99Ms: percentile(ttft.overhead, 99),
        chunksEqual: ttft.equal,
        failed: ttft.failed,
      },
      many: {
        streams: concurrent,
        tokenMs: manyTokenMs,
        voxq: summary(manyVoxq),
        direct: summary(manyDirect),
        seconds: manySeconds,
        headersP50Ms: percentile(
          manyVoxq.map((r) => r.headersMs).filter((x) => x != null),
          50,
        ),
        jobStartedP50Ms: percentile(started, 50),
        cpu,
        apiRssMiB: { before: before.api.rssMiB, peak: after.api.peakMiB },
        workerRssMiB: { before: before.worker.rssMiB, peak: after.worker.peakMiB },
      },
    };
  } finally {
    await stack.close();
  }
}

export function printStreaming(s) {
  const n = (x, d = 1) => (x === null || x === undefined ? 'n/a' : (Math.round(x * 10 ** d) / 10 ** d).toLocaleString('en-US'));
  const row = (label, value) => console.log(`  ${label.padEnd(34)}${value}`);
  console.log(`\nstreaming: ${s.tokens} tokens ${s.tokenMs} ms apart from the simulator, ${s.samples} streams each way`);
  row('first token, direct p50 / p99', `${n(s.ttft.directP50Ms)} ms / ${n(s.ttft.directP99Ms)} ms`);
  row('first token, voxq p50 / p99', `${n(s.ttft.voxqP50Ms)} ms / ${n(s.ttft.voxqP99Ms)} ms`);
  row('voxq minus direct p50 / p99', `${n(s.ttft.overheadP50Ms)} ms / ${n(s.ttft.overheadP99Ms)} ms  (goal p50 ≤ 15 ms)`);
  row('content chunks equal', `${s.ttft.chunksEqual} of ${s.samples}${s.ttft.failed ? `  (${s.ttft.failed} failed)` : ''}`);
  const m = s.many;
  console.log(`  ${m.streams} streams at once, tokens ${m.tokenMs} ms apart:`);
  row('  completed voxq / direct', `${m.voxq.completed} / ${m.direct.completed}`);
  row('  chunk gap p50 voxq / direct', `${n(m.voxq.gapP50Ms)} ms / ${n(m.direct.gapP50Ms)} ms`);
  row('  chunk gap p99 voxq / direct', `${n(m.voxq.gapP99Ms)} ms / ${n(m.direct.gapP99Ms)} ms  (overhead ${n(m.voxq.gapP99Ms - m.direct.gapP99Ms)} ms)`);
  row('  first token p50 voxq / direct', `${n(m.voxq.ttftP50Ms)} ms / ${n(m.direct.ttftP50Ms)} ms`);
  row('  voxq answer headers / job started p50', `${n(m.headersP50Ms)} ms / ${n(m.jobStartedP50Ms)} ms after the request`);
  row(
    '  voxq run, CPU share of a core',
    `${n(m.seconds)} s; ${Object.entries(m.cpu)
      .map(([name, share]) => `${name} ${n(share, 2)}`)
      .join(', ')}`,
  );
  row('  api RSS before / peak', `${n(m.apiRssMiB.before, 0)} / ${n(m.apiRssMiB.peak, 0)} MiB`);
  row('  worker RSS before / peak', `${n(m.workerRssMiB.before, 0)} / ${n(m.workerRssMiB.peak, 0)} MiB`);
}
