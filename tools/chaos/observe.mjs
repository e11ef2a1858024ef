// How the chaos suite reads voxq's state for its verdict, without spelling a key name: job
// records and the tenant's listings through the HTTP API, as a client sees them, and BullMQ's
// queues through the libs' own `Queues` on a connection the libs make (one Redis or a
// cluster). Where voxq keeps a record, an index or a queue may change (sharding spreads them
// over several hash tags); what a client is shown and what `Queues.all()` holds may not.
import { Pool } from 'undici';
import { sleep } from '../bench/wait.mjs';
import { importLibs } from '../lib/import-libs.mjs';

const { loadConfig, createRedisConnection, Queues, redisKeys } = await importLibs(
  'chaos-observe',
  `export { loadConfig } from '@voxq/config';
   export { createRedisConnection, Queues } from '@voxq/queues';
   export { redisKeys } from '@voxq/redis-keys';`,
);

/** BullMQ states of a job not yet finished. */
const UNFINISHED = ['wait', 'active', 'delayed', 'prioritized', 'waiting-children'];
/** Requests in flight while reading records. */
const CONCURRENCY = 16;

/**
 * `env` is the apps' environment (its REDIS_* and prefix decide where the queues are).
 * The connection retries through a Redis restart or a failover, as the apps' do.
 */
export function createObserver({ apiUrl, apiKey, env }) {
  const config = loadConfig(env);
  const redis = createRedisConnection(config.redis);
  redis.on('error', () => undefined);
  const queues = new Queues(redis, config);
  const pool = new Pool(apiUrl, { connections: CONCURRENCY, headersTimeout: 30_000, bodyTimeout: 30_000 });

  /** `{ status, text }`, or `{ error }` when the connection failed. */
  const request = (path) =>
    pool
      .request({ method: 'GET', path, headers: { authorization: `Bearer ${apiKey}` } })
      .then(async (res) => ({ status: res.statusCode, text: await res.body.text() }))
      .catch((error) => ({ error: error.code ?? error.message }));

  /** GET `path` as the tenant; a 5xx or a cut connection is tried again (the API may be between faults). */
  async function get(path, { notFound = false } = {}) {
    for (let attempt = 0; ; attempt++) {
      const { status, text, error } = await request(path);
      if (status === 200) return JSON.parse(text);
      if (status === 404 && notFound) return null;
      const failure = error ?? `HTTP ${status} ${text.slice(0, 200)}`;
      if ((status && status < 500) || attempt >= 10) throw new Error(`GET ${path}: ${failure}`);
      await sleep(200 * (attempt + 1));
    }
  }

  /** Each id's job as GET /v1/jobs/:id shows it (null: 404, no record). */
  async function records(ids) {
    const out = new Map();
    let next = 0;
    const reader = async () => {
      while (next < ids.length) {
        const id = ids[next++];
        out.set(id, await get(`/v1/jobs/${id}`, { notFound: true }));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, reader));
    return out;
  }

  /** Every id GET /v1/jobs lists (with `status`: that status's listing), newest first, page by page. */
  async function listed(status) {
    const ids = [];
    let cursor = null;
    do {
      const query = new URLSearchParams({ limit: '100', ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) });
      const page = await get(`/v1/jobs?${query}`);
      ids.push(...page.data.map((job) => job.id));
      cursor = page.nextCursor;
    } while (cursor);
    return ids;
  }

  /** BullMQ jobs not yet finished, over every queue voxq has (job kinds, webhooks, tools, batches). */
  async function unfinishedBullJobs() {
    const counts = await Promise.all(queues.all().map((queue) => queue.getJobCounts(...UNFINISHED)));
    return counts.reduce((n, byState) => n + Object.values(byState).reduce((a, b) => a + b, 0), 0);
  }

  /** Where BullMQ holds job `id` now, in whichever queue has it (the evidence of a stuck one). */
  async function bullState(id) {
    for (const queue of queues.all()) {
      const job = await queue.getJob(id);
      if (!job) continue;
      return {
        queue: queue.name,
        state: await job.getState(),
        attemptsMade: job.attemptsMade,
        stalledCounter: job.stalledCounter,
        failedReason: job.failedReason,
        returnvalue: job.returnvalue,
      };
    }
    return { state: '(gone)' };
  }

  /**
   * How many of `ids` BullMQ ran again after their worker died (a stalled counter above 0),
   * read from the finished jobs it keeps (`removeOnComplete` keeps 10,000 per queue).
   */
  async function stalledReruns(ids) {
    const wanted = new Set(ids);
    let reruns = 0;
    for (const queue of queues.all()) {
      for (const job of await queue.getJobs(['completed', 'failed'], 0, -1)) {
        if (job && wanted.has(job.id) && job.stalledCounter > 0) reruns += 1;
      }
    }
    return reruns;
  }

  /** Webhook deliveries given up on (the dispatcher's dead-letter list). */
  const deadLetters = () => redis.llen(redisKeys(config.redis.prefix).webhookDeliveries.deadLetter());

  async function close() {
    await pool.close();
    await queues.close().catch(() => undefined);
    redis.disconnect();
  }

  return { records, listed, unfinishedBullJobs, bullState, stalledReruns, deadLetters, close };
}
