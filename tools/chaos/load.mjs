// The chaos suite's client side: submits the jobs at a steady rate through POST /v1/jobs,
// each under its own Idempotency-Key so a submission cut off by the chaos (Redis restarting,
// a 5xx, a reset connection) is simply repeated until it is accepted, exactly once; and
// cancels some of them with DELETE /v1/jobs/:id shortly after they were accepted.
import { Pool } from 'undici';
import { sleep } from '../bench/wait.mjs';
import { importLibs } from '../lib/import-libs.mjs';

// voxq's one WAV writer (`libs/wav`): plain .mjs cannot import TypeScript, and a copy would drift.
const { sineWav } = await importLibs('wav', "export { sineWav } from '@voxq/wav';");

/** A 0.2 s 16 kHz mono WAV tone: what the transcribe jobs send (the simulator "hears" it). */
const toneWav = () => sineWav({ seconds: 0.2, sampleRate: 16_000, amplitude: 8_000 });

/**
 * The type of job `i`: every 20th a transcribe, every 20th (offset 10) a synthesize, the rest
 * complete (cheap, so 5,000 fit in CI) — a fixed pattern, so every run has the same mix.
 */
export const typeOf = (i) => (i % 20 === 5 ? 'transcribe' : i % 20 === 15 ? 'synthesize' : 'complete');

export function jobBody(i, webhookUrl, audioBase64) {
  const common = { webhook: { url: webhookUrl }, metadata: { chaos: String(i) } };
  switch (typeOf(i)) {
    case 'transcribe':
      return { type: 'transcribe', input: { audio: { data: audioBase64, contentType: 'audio/wav' } }, intent: { language: 'en-US' }, ...common };
    case 'synthesize':
      return { type: 'synthesize', input: { text: `Chaos job ${i} speaking.` }, intent: { language: 'en-US' }, ...common };
    default:
      return { type: 'complete', input: { messages: [{ role: 'user', content: `chaos job ${i}` }] }, ...common };
  }
}

export function createLoad({ apiUrl, apiKey, webhookUrl, runId, connections = 32 }) {
  const pool = new Pool(apiUrl, { connections, pipelining: 1, headersTimeout: 30_000, bodyTimeout: 30_000 });
  const audio = toneWav().toString('base64');
  const auth = { authorization: `Bearer ${apiKey}` };
  const stats = {
    submitRetries: 0,
    submitErrors: {},
    slowestSubmitMs: 0,
    cancelRequests: 0,
    cancelRetries: 0,
    cancelled: 0,
    cancelConflict: 0,
    cancelErrors: {},
  };
  const note = (bucket, key) => (bucket[key] = (bucket[key] ?? 0) + 1);

  async function call(method, path, body, headers = {}) {
    const res = await pool.request({
      method,
      path,
      headers: { ...auth, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.body.text();
    return { status: res.statusCode, text };
  }

  /** Submits job `i` until accepted (or `giveUpAt`); returns its id, or null. */
  async function submit(i, giveUpAt) {
    const body = jobBody(i, webhookUrl, audio);
    const key = `${runId}-${i}`;
    for (let attempt = 0; ; attempt++) {
      let outcome;
      try {
        const t0 = performance.now();
        const res = await call('POST', '/v1/jobs', body, { 'idempotency-key': key });
        // A Redis fault the api waited through (no error, only a slow answer) shows here.
        stats.slowestSubmitMs = Math.max(stats.slowestSubmitMs, Math.round(performance.now() - t0));
        if (res.status === 202 || res.status === 200) return JSON.parse(res.text).id;
        outcome = `HTTP ${res.status}`;
        // A request the API refused as a request (4xx other than 409/429) will never pass.
        if (res.status >= 400 && res.status < 500 && res.status !== 429 && res.status !== 409) {
          note(stats.submitErrors, `${outcome} ${res.text.slice(0, 200)}`);
          return null;
        }
      } catch (error) {
        outcome = error.code ?? error.name;
      }
      note(stats.submitErrors, outcome);
      stats.submitRetries += 1;
      if (Date.now() > giveUpAt) return null;
      await sleep(Math.min(2_000, 100 * 2 ** Math.min(attempt, 4)));
    }
  }

  /** DELETE /v1/jobs/:id until it answers 200 or 409; returns 'cancelled', 'conflict' or null. */
  async function cancel(id, giveUpAt) {
    stats.cancelRequests += 1;
    for (let attempt = 0; ; attempt++) {
      let outcome;
      try {
        const res = await call('DELETE', `/v1/jobs/${id}`);
        if (res.status === 200) {
          stats.cancelled += 1;
          return 'cancelled';
        }
        if (res.status === 409) {
          // A retry of a cancel that did land the first time finds the job already cancelled.
          if (/already cancelled/.test(res.text)) {
            stats.cancelled += 1;
            return 'cancelled';
          }
          stats.cancelConflict += 1;
          return 'conflict';
        }
        outcome = `HTTP ${res.status}`;
      } catch (error) {
        outcome = error.code ?? error.name;
      }
      note(stats.cancelErrors, outcome);
      stats.cancelRetries += 1;
      if (Date.now() > giveUpAt) return null;
      await sleep(Math.min(2_000, 100 * 2 ** Math.min(attempt, 4)));
    }
  }

  return { submit, cancel, stats, close: () => pool.close() };
}
