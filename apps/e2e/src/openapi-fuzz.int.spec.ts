import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bullPrefix, createRedisConnection, QUEUE_NAMES } from '@voxq/queues';
import type { RedisClient } from '@voxq/redis-keys';
import { startWorkerProcess } from '@voxq/jobs';
import { startSimulatedStack, type SimulatedStack } from '@voxq/testing';
import { AUDIO_LIMIT, JSON_LIMIT, jsonl, msg, multipart, PUBLIC_HOOK, SURFACE_CASES_ENV, wav } from './bad-input-surfaces.fixture';
import { generateBursts, generateFuzzRequests, type FuzzOptions } from './openapi-fuzz.generator';
import { describeRequest, type FuzzRequest } from './openapi-fuzz.request';
import type { OpenApiDoc } from './openapi-fuzz.schema';
import { FuzzSender, type FuzzAnswer } from './openapi-fuzz.send';

/**
 * Every operation `GET /openapi.json` lists, sent the malformed requests the generator derives
 * from the document (parameters, headers, bodies, encodings, framing; see openapi-fuzz.*.ts).
 * No answer may be a 5xx; each 4xx carries its surface's error body and an `X-Request-Id`;
 * a refused request queues nothing; the API stays up. `VOXQ_FUZZ_SEED` picks another seed
 * (the run prints the one it used, and each failure names its request); `VOXQ_FUZZ_REPORT`
 * names a file to write the problems to, one a line.
 */

const SEED = Number(process.env['VOXQ_FUZZ_SEED'] ?? 20261207);
/** Only the requests whose description contains this text (to send a failure again, alone). */
const ONLY = process.env['VOXQ_FUZZ_ONLY'];
/** Requests in flight at once: enough to interleave, modest for a shared 2-core machine. */
const CONCURRENCY = 4;

const SPEKO_PATH = /^\/v1\/(transcribe|synthesize|complete)$/;
const OPENAI_PATH = /^\/v1\/(chat|audio|embeddings|images|files|batches)\b/;
/** Refused by Node's HTTP parser, before any route: voxq's envelope whatever the path. */
const PARSER_CODES = new Set(['malformed_request', 'headers_too_large', 'request_timeout', 'payload_too_large']);

const isEnvelopeError = (e: unknown, order: string[]) =>
  typeof e === 'object' &&
  e !== null &&
  JSON.stringify(Object.keys(e)) === JSON.stringify(order) &&
  ['type', 'code', 'message'].every((k) => typeof (e as Record<string, unknown>)[k] === 'string') &&
  ((e as Record<string, unknown>)['param'] === null || typeof (e as Record<string, unknown>)['param'] === 'string');

/** The documented template the server routes `target` to (dot segments resolved as the server does), if any. */
function routedTemplate(templates: string[], target: string): string | undefined {
  const path = new URL(target, 'http://fuzz').pathname;
  const pattern = (t: string) =>
    t
      .split(/\{\w+\}/)
      .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
      .join('[^/]+');
  return templates.find((t) => new RegExp(`^${pattern(t)}$`).test(path));
}

/** What is wrong with a 4xx answer's body for the surface of the route it reached, if anything. */
function envelopeProblem(templates: string[], target: string, answer: FuzzAnswer): string | undefined {
  if (!answer.headers['x-request-id']) return 'no X-Request-Id';
  if (!(answer.headers['content-type'] ?? '').startsWith('application/json')) return `content type ${answer.headers['content-type'] ?? 'none'}`;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(answer.body.toString()) as Record<string, unknown>;
  } catch {
    return 'a body that is not JSON';
  }
  // A path no route serves (`/v1/files/..` is `/v1/`) is answered by the API's own 404, in voxq's envelope.
  const path = routedTemplate(templates, target) ?? '/';
  const voxq = isEnvelopeError(body['error'], ['type', 'code', 'message', 'param']) && Object.keys(body).length === 1;
  if (voxq && PARSER_CODES.has((body['error'] as { code: string }).code)) return undefined;
  if (SPEKO_PATH.test(path)) {
    const ok = isEnvelopeError({ type: body['type'], code: body['code'], message: body['error'], param: body['param'] }, ['type', 'code', 'message', 'param']);
    return ok && JSON.stringify(Object.keys(body)) === JSON.stringify(['error', 'code', 'type', 'param']) ? undefined : 'not the Speko error body';
  }
  if (OPENAI_PATH.test(path) && answer.status !== 401) {
    return isEnvelopeError(body['error'], ['message', 'type', 'param', 'code']) && Object.keys(body).length === 1 ? undefined : "not OpenAI's error envelope";
  }
  return voxq ? undefined : 'not the error envelope';
}

describe('fuzzing every operation of /openapi.json', () => {
  let stack: SimulatedStack;
  let redis: RedisClient;
  let queues: Queue[];
  let apiKey: string;
  let tenant: string;
  let requests: FuzzRequest[];
  let bursts: FuzzRequest[][];

  beforeAll(async () => {
    stack = await startSimulatedStack({ ...SURFACE_CASES_ENV, API_SYNC_WAIT_MS: '0', API_OPENAI_WAIT_MS: '1000' }, { worker: false, dispatcher: false });
    redis = createRedisConnection(stack.config.redis);
    const prefix = bullPrefix(stack.config.redis.prefix);
    queues = Object.values(QUEUE_NAMES).map((name) => new Queue(name, { connection: redis, prefix }));
    tenant = `fuzz-${randomUUID().slice(0, 8)}`;
    apiKey = (await stack.createKey(tenant)).apiKey;

    const ok = async (method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
      const res = await stack.request(apiKey, method, path, body, headers);
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
      return res.body as Record<string, unknown> & { id: string };
    };
    // Things that exist, so the body and header cases reach past "not found".
    const job = (await ok('POST', '/v1/jobs', { type: 'complete', input: { messages: msg }, webhook: { url: PUBLIC_HOOK } })).id;
    const cancelled = (await ok('POST', '/v1/jobs', { type: 'complete', input: { messages: msg }, webhook: { url: PUBLIC_HOOK } })).id;
    await ok('DELETE', `/v1/jobs/${cancelled}`);
    const delivery = ((await ok('GET', `/v1/webhook-deliveries?jobId=${cancelled}`)).data as { id: string }[])[0]!.id;
    const upload = (await ok('POST', '/v1/uploads', wav, { 'content-type': 'audio/wav' })).id;
    const audioJob = (await ok('POST', '/v1/jobs', wav, { 'content-type': 'audio/wav' })).id;
    const imageJob = (await ok('POST', '/v1/jobs', { type: 'image', input: { prompt: 'a dot' } })).id;
    const endpoint = (await ok('POST', '/v1/webhooks', { url: PUBLIC_HOOK })).id;
    const form = multipart([
      { name: 'purpose', value: 'batch' },
      { name: 'file', value: jsonl, filename: 'in.jsonl' },
    ]);
    const file = (await ok('POST', '/v1/files', form.body, form.headers)).id;
    const batch = (await ok('POST', '/v1/batches', { input_file_id: file, endpoint: '/v1/chat/completions', completion_window: '24h' })).id;
    const dropRule = (await ok('POST', '/v1/drop-rules', { prefix: `tenants/${tenant}/in/`, outputPrefix: `tenants/${tenant}/out/`, type: 'transcribe' })).id;
    await ok('POST', '/v1/secrets', { name: 'crm.token', value: 'Bearer x' });
    const model = ((await ok('GET', '/v1/models')).data as { id: string }[])[0]!.id;

    // The examples' webhooks go to example.com, which the API would look up: an address that needs no DNS keeps the run off the resolver.
    const served = (await stack.request(null, 'GET', '/openapi.json')).raw.toString();
    const doc = JSON.parse(served.replaceAll('://example.com/', `://${new URL(PUBLIC_HOOK).host}/`)) as OpenApiDoc;
    const options: FuzzOptions = {
      seed: SEED,
      apiKey,
      limits: { json: JSON_LIMIT, audio: AUDIO_LIMIT },
      pathValues: {
        '/v1/jobs/{id}': { id: job },
        '/v1/jobs/{id}/result': { id: job },
        '/v1/jobs/{id}/input/audio': { id: audioJob },
        '/v1/jobs/{id}/result/images/{index}': { id: imageJob, index: '0' },
        '/v1/jobs/{id}/events': { id: job },
        '/v1/jobs/{id}/deliveries': { id: cancelled },
        '/v1/webhook-deliveries/{id}': { id: delivery },
        '/v1/webhook-deliveries/{id}/redeliver': { id: delivery },
        '/v1/uploads/{id}': { id: upload },
        '/v1/uploads/{id}/complete': { id: upload },
        '/v1/webhooks/{id}': { id: endpoint },
        '/v1/webhooks/{id}/rotate-secret': { id: endpoint },
        '/v1/files/{id}': { id: file },
        '/v1/files/{id}/content': { id: file },
        '/v1/batches/{id}': { id: batch },
        '/v1/batches/{id}/cancel': { id: batch },
        '/v1/drop-rules/{id}': { id: dropRule },
        '/v1/secrets/{name}': { name: 'crm.token' },
        '/v1/models/{id}': { id: encodeURIComponent(model) },
      },
    };
    requests = generateFuzzRequests(doc, options);
    bursts = generateBursts(doc, options);
    bursts = [...bursts.filter((b) => b[0]!.method !== 'DELETE'), ...bursts.filter((b) => b[0]!.method === 'DELETE')];
    if (ONLY) requests = requests.filter((r) => describeRequest(r).includes(ONLY));
    // Deletions last, so the operations before them find their fixtures.
    requests = [...requests.filter((r) => r.method !== 'DELETE'), ...requests.filter((r) => r.method === 'DELETE')];
    console.log(`[openapi-fuzz] seed ${SEED}: ${requests.length} requests over ${new Set(requests.map((r) => r.operation)).size} operations`);
  }, 120_000);

  afterAll(async () => {
    await Promise.all((queues ?? []).map((q) => q.close()));
    redis?.disconnect();
    await stack?.close();
  });

  /** What a request could have queued: every queue's counts and the tenant's job index. */
  const snapshot = async () =>
    JSON.stringify({
      queues: await Promise.all(queues.map((q) => q.getJobCounts())),
      index: await redis.zcard(`${stack.config.redis.prefix}:tenant:${tenant}:jobs`),
    });

  /** Problems with one answer: a 5xx, or a 4xx without its surface's envelope or a request id. Counts statuses. */
  const checker =
    (templates: string[], problems: string[], statuses: Map<number, number>, waited: { count: number }) =>
    (label: string, r: FuzzRequest, answer: FuzzAnswer | Error) => {
      const where = `${label} ${describeRequest(r)}`;
      if (answer instanceof Error) return void problems.push(`${where} → no answer: ${answer.message}`);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      const text = answer.body.toString().slice(0, 300);
      // Valid after all, and waiting for a job that nothing runs here (no worker, so queues hold still): not a failure.
      if (answer.status === 504 && /"job_wait_timeout"/i.test(text)) waited.count++;
      else if (answer.status >= 500) problems.push(`${where} → ${answer.status} ${text}`);
      else if (answer.status >= 400) {
        const problem = envelopeProblem(templates, r.target, answer);
        if (problem) problems.push(`${where} → ${answer.status} ${problem}: ${text}`);
      }
    };

  it('covers every operation of the document with every kind of breakage', async () => {
    const doc = (await stack.request(null, 'GET', '/openapi.json')).body as unknown as OpenApiDoc;
    const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    expect(new Set(requests.map((r) => r.operation))).toEqual(new Set(operations));
    for (const group of ['path', 'query', 'header', 'body', 'encoding', 'framing'])
      expect(
        requests.some((r) => r.group === group),
        group,
      ).toBe(true);
  });

  it('answers every malformed request without a 5xx, in its envelope, queuing nothing it refused', async () => {
    const sender = new FuzzSender(stack.url, apiKey);
    const doc = (await stack.request(null, 'GET', '/openapi.json')).body as unknown as OpenApiDoc;
    const templates = Object.keys(doc.paths);
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    let checkedWaves = 0;
    const waited = { count: 0 };
    const check = checker(templates, problems, statuses, waited);
    let waves = 0;
    try {
      // In waves of CONCURRENCY: a wave whose every answer is a refusal must leave the queues as they were.
      for (let at = 0; at < requests.length; at += CONCURRENCY) {
        const wave = requests.slice(at, at + CONCURRENCY);
        const before = await snapshot();
        const answers = await Promise.all(wave.map((r) => sender.send(r).catch((error: Error) => error)));
        waves++;
        answers.forEach((answer, i) => check(`#${at + i}`, wave[i]!, answer));
        if (answers.every((a) => !(a instanceof Error) && a.status >= 400 && a.status < 500)) {
          checkedWaves++;
          const after = await snapshot();
          if (after !== before)
            problems.push(
              `all refused, yet work was queued: ${before} → ${after}, by one of\n  ${wave.map((r, i) => `#${at + i} ${describeRequest(r)}`).join('\n  ')}`,
            );
        }
      }
    } finally {
      await sender.close();
    }
    console.log(
      `[openapi-fuzz] seed ${SEED}: ${requests.length} requests, ${problems.length} problems; ${waited.count} valid requests waited for a worker; ${checkedWaves}/${waves} waves checked for queued work; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
    );
    expect(({} as Record<string, unknown>)['polluted'], 'Object.prototype polluted').toBeUndefined();
    expect((await stack.request(null, 'GET', '/healthz')).status).toBe(200);
    if (process.env['VOXQ_FUZZ_REPORT']) writeFileSync(process.env['VOXQ_FUZZ_REPORT'], problems.join('\n'));
    expect(problems, `seed ${SEED}`).toEqual([]);
  }, 300_000);

  it('answers a burst of the same valid request without a 5xx', async () => {
    const sender = new FuzzSender(stack.url, apiKey);
    const doc = (await stack.request(null, 'GET', '/openapi.json')).body as unknown as OpenApiDoc;
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    const check = checker(Object.keys(doc.paths), problems, statuses, { count: 0 });
    try {
      for (const burst of bursts) {
        const answers = await Promise.all(burst.map((r) => sender.send(r).catch((error: Error) => error)));
        answers.forEach((answer, i) => check(`burst ${i}`, burst[i]!, answer));
      }
    } finally {
      await sender.close();
    }
    console.log(
      `[openapi-fuzz] ${bursts.length} bursts of ${bursts[0]?.length} requests; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
    );
    expect(problems).toEqual([]);
  });

  it('runs every job it accepted to an end, none failing with an internal error', async () => {
    type JobView = { id: string; type: string; status: string; error?: { code?: string; message?: string } | null };
    const listAll = async () => {
      const jobs: JobView[] = [];
      let cursor: string | null = null;
      do {
        const page = (await stack.request(apiKey, 'GET', `/v1/jobs?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)).body as {
          data: JobView[];
          nextCursor: string | null;
        };
        jobs.push(...page.data);
        cursor = page.nextCursor;
      } while (cursor);
      return jobs;
    };
    // What the fuzz left queued (odd but valid input) now meets the worker and the providers.
    const worker = await startWorkerProcess(stack.config, stack.logger);
    try {
      // Polled once a second: listing a few hundred jobs is work the worker would otherwise wait behind.
      let jobs = await listAll();
      for (const deadline = Date.now() + 120_000; jobs.some((j) => !['completed', 'failed', 'cancelled'].includes(j.status)); jobs = await listAll()) {
        expect(Date.now(), 'every accepted job to finish within 2 minutes').toBeLessThan(deadline);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      const outcomes = new Map<string, number>();
      for (const j of jobs)
        outcomes.set(`${j.status}${j.error?.code ? ` ${j.error.code}` : ''}`, (outcomes.get(`${j.status}${j.error?.code ? ` ${j.error.code}` : ''}`) ?? 0) + 1);
      console.log(`[openapi-fuzz] ${jobs.length} accepted jobs ran: ${JSON.stringify(Object.fromEntries(outcomes))}`);
      const internal = jobs.filter((j) => j.status === 'failed' && (j.error?.code ?? 'internal_error') === 'internal_error');
      expect(internal.map((j) => `${j.id} ${j.type}: ${j.error?.message ?? ''}`)).toEqual([]);
    } finally {
      await worker.close();
    }
  }, 180_000);
});
