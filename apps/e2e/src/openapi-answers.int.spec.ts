import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyStore, UsageAllowance } from '@voxq/auth';
import {
  cleanupPrefix,
  eventually,
  RealtimeTestClient,
  startSimulatedStack,
  startStack,
  startWebhookReceiver,
  testConfig,
  type SimulatedStack,
  type WebhookReceiver,
} from '@voxq/testing';
import { createRedisConnection } from '@voxq/queues';
import type { Fixtures } from './bad-input-surfaces.fixture';
import { JSON_LIMIT, jsonl, msg, multipart, PUBLIC_HOOK, SURFACE_CASES_ENV, wav } from './bad-input-surfaces.fixture';
import { CONDITIONAL_PATHS, HANDSHAKE_OPERATIONS, json, nameOf, RUN_CALLS, SUCCESS_CALLS, type Call, type Extra } from './openapi-answers.calls';
import { jobsCases, uploadCases, dropCases, webhookCases } from './bad-input-voxq.cases';
import { spekoCases, openAiCases, batchCases, catalogCases } from './bad-input-wire.cases';
import { encodingCases } from './bad-input-encoding.cases';
import { OpenApiAnswerValidator } from './openapi-answers.validator';

/**
 * Every answer the API gives is one `GET /openapi.json` describes: each operation is driven
 * once with a valid request, then with every hostile request of the bad-input suites, and
 * each answer's status, content type and JSON body are checked against the operation's
 * response in the document. A status the API sends but the document lacks fails here.
 */

const badInputCases = [
  ...jobsCases,
  ...uploadCases,
  ...dropCases,
  ...webhookCases,
  ...spekoCases,
  ...openAiCases,
  ...batchCases,
  ...catalogCases,
  ...encodingCases,
];

describe('OpenAPI document against real answers', () => {
  let stack: SimulatedStack;
  let validator: OpenApiAnswerValidator;
  const keys: Record<'a' | 'b', string> = { a: '', b: '' };
  const f = {} as Fixtures & Extra;
  const setupProblems: string[] = [];
  const ranAnswers = new Map<Call, { status: number; body: unknown; problems: string[] }>();

  const keyOf = (as: string | undefined) =>
    as === 'none' ? null : as === 'bogus' ? `vq_${'0'.repeat(40)}` : as === 'a' ? keys.a : as === 'b' ? keys.b : keys.a;

  beforeAll(async () => {
    stack = await startSimulatedStack(
      {
        ...SURFACE_CASES_ENV,
      },
      // No dispatcher: the webhooks point at a public address this machine must not call.
      { dispatcher: false },
    );
    const doc = await stack.request(null, 'GET', '/openapi.json');
    validator = new OpenApiAnswerValidator(doc.body as ConstructorParameters<typeof OpenApiAnswerValidator>[0]);
    const run = randomUUID().slice(0, 8);
    f.tenantA = `doc-a-${run}`;
    f.tenantB = `doc-b-${run}`;
    keys.a = (await stack.createKey(f.tenantA)).apiKey;
    keys.b = (await stack.createKey(f.tenantB)).apiKey;

    /** A setup request is an answer too: checked against the document like the tests' own. */
    const ok = async (method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
      const res = await stack.request(keys.a, method, path, body, headers);
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
      setupProblems.push(...validator.checkAnswer(method, path, res));
      return res.body as Record<string, unknown> & { id: string };
    };
    for (const c of RUN_CALLS) {
      const res = await stack.request(keys.a, c.method, c.path(f), c.body?.(f), c.headers);
      ranAnswers.set(c, { status: res.status, body: res.body, problems: validator.checkAnswer(c.method, c.path(f), res) });
    }
    f.completedJobA = (await ok('POST', '/v1/jobs', { type: 'complete', input: { messages: msg } })).id;
    const completed = (await stack.waitForJob(keys.a, f.completedJobA)) as { result?: { scoresRunId?: string } };
    f.scoresRunA = completed.result?.scoresRunId ?? '';
    f.imageJobA = (await ok('POST', '/v1/jobs', { type: 'image', input: { prompt: 'a dot' } })).id;
    await stack.waitForJob(keys.a, f.imageJobA);
    const session = await RealtimeTestClient.open(`${stack.url.replace(/^http/, 'ws')}/v1/realtime?model=gpt-realtime`, keys.a);
    await session.next('session.created');
    await session.close();
    f.realtimeSessionA = session.headers['x-voxq-session-id'] as string;
    // From here on jobs stay queued, so they can be cancelled.
    await stack.stopWorker();
    f.jobA = (await ok('POST', '/v1/jobs', { type: 'complete', input: { messages: msg } })).id;
    f.transcribeJobA = (await ok('POST', '/v1/jobs', wav, { 'content-type': 'audio/wav' })).id;
    f.cancelledJobA = (await ok('POST', '/v1/jobs', { type: 'complete', input: { messages: msg }, webhook: { url: PUBLIC_HOOK } })).id;
    await ok('DELETE', `/v1/jobs/${f.cancelledJobA}`);
    f.deliveryA = ((await ok('GET', `/v1/webhook-deliveries?jobId=${f.cancelledJobA}`)).data as { id: string }[])[0]!.id;
    const model = ((await ok('GET', '/v1/models')).data as { id: string; owned_by: string }[])[0]!;
    f.modelId = model.id;
    f.modelOwner = model.owned_by;
    f.uploadA = (await ok('POST', '/v1/uploads', wav, { 'content-type': 'audio/wav' })).id;
    const presigned = await ok('POST', '/v1/uploads:presign', { contentType: 'audio/wav', filename: 'a.wav' });
    const target = presigned['upload'] as { url: string; method: string; headers: Record<string, string> };
    await (await fetch(target.url, { method: target.method, headers: target.headers, body: wav })).arrayBuffer();
    f.pendingUploadA = presigned.id;
    f.endpointA = (await ok('POST', '/v1/webhooks', { url: PUBLIC_HOOK })).id;
    f.endpointB = (await stack.request(keys.b, 'POST', '/v1/webhooks', { url: PUBLIC_HOOK })).body['id'] as string;
    const file = multipart([
      { name: 'purpose', value: 'batch' },
      { name: 'file', value: jsonl, filename: 'in.jsonl' },
    ]);
    f.fileA = (await ok('POST', '/v1/files', file.body, file.headers)).id;
    f.batchA = (await ok('POST', '/v1/batches', { input_file_id: f.fileA, endpoint: '/v1/chat/completions', completion_window: '24h' })).id;
    f.dropRuleA = (
      await ok('POST', '/v1/drop-rules', { prefix: `tenants/${f.tenantA}/in/`, outputPrefix: `tenants/${f.tenantA}/out/`, type: 'transcribe' })
    ).id;
    // The bad-input cases reuse this key with another body.
    await stack.request(keys.b, 'POST', '/v1/jobs', { type: 'complete', input: { messages: msg } }, { 'idempotency-key': 'idem-b' });
    f.secretName = 'crm.token';
    await ok('POST', '/v1/secrets', { name: f.secretName, value: 'Bearer x' });
    f.bucket = stack.config.s3.bucket;
    f.uploadKeyA = `tenants/${f.tenantA}/uploads/${f.uploadA}`;
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('answered the setup requests as documented', () => {
    expect(setupProblems).toEqual([]);
  });

  it.each(RUN_CALLS.map((c) => ({ c, name: nameOf(c) })))('a valid $name runs and answers as documented', ({ c }) => {
    const answer = ranAnswers.get(c)!;
    expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
    expect(answer.problems).toEqual([]);
  });

  const check = async (method: string, path: string, body: unknown, headers: Record<string, string> | undefined, as: string | undefined) => {
    const res = await stack.request(keyOf(as), method, path, body, headers);
    return { res, problems: validator.checkAnswer(method, path, res) };
  };

  it.each(SUCCESS_CALLS.map((c) => ({ ...c, name: nameOf(c) })))('a valid $name is a 2xx the document describes', async (c) => {
    const { res, problems } = await check(c.method, c.path(f), c.body?.(f), c.headers, c.as);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    expect(problems).toEqual([]);
  });

  it('answers a conditional GET 304 only where documented, and where documented on the routes that are seldom stale', async () => {
    for (const c of SUCCESS_CALLS.filter((call) => call.method === 'GET')) {
      const path = c.path(f);
      const first = await stack.request(keyOf(c.as), 'GET', path);
      const etag = first.headers.get('etag');
      if (!etag) continue;
      // fetch adds `Cache-Control: no-cache` to a conditional request unless told otherwise, and
      // Express never answers 304 to no-cache; curl and HTTP caches send no such header.
      const again = await stack.request(keyOf(c.as), 'GET', path, undefined, { 'if-none-match': etag, 'cache-control': 'max-age=0' });
      expect(validator.checkAnswer('GET', path, again)).toEqual([]);
      if (CONDITIONAL_PATHS.includes(path)) expect(again.status, path).toBe(304);
    }
  });

  it.each(badInputCases.map((c) => ({ ...c, caseName: c.name })))('bad input: $caseName is an answer the document describes', async (c) => {
    const path = typeof c.path === 'function' ? c.path(f) : c.path;
    const body = c.bodyOf ? c.bodyOf(f) : c.body;
    const method = c.method ?? 'POST';
    const res = await stack.request(keyOf(c.as ?? 'b'), method, path, body, c.headers);
    expect(res.status, JSON.stringify(res.body)).toBe(c.status);
    const routed = validator.templateOf(path) !== undefined;
    expect(routed ? validator.checkAnswer(method, path, res) : validator.checkUnrouted(method, path, res)).toEqual([]);
  });

  it('names an {id} that is not valid percent-encoding 400 invalid_url, as documented, on every {id} route', async () => {
    const doc = (await stack.request(null, 'GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const idRoutes = Object.entries(doc.paths).flatMap(([template, item]) =>
      template.includes('{') ? Object.keys(item).map((method) => ({ method: method.toUpperCase(), path: template.replace(/\{\w+\}/g, '%E0%A4%A') })) : [],
    );
    expect(idRoutes.length).toBeGreaterThan(20);
    for (const { method, path } of idRoutes) {
      const res = await stack.request(keys.a, method, path, method === 'GET' || method === 'DELETE' ? undefined : {});
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(res.body.error?.code, `${method} ${path}`).toBe('invalid_url');
      expect(validator.checkAnswer(method, path, res)).toEqual([]);
    }
  });

  it('answers a request without an API key 401, as documented, on every route that needs one', async () => {
    const doc = (await stack.request(null, 'GET', '/openapi.json')).body as { paths: Record<string, Record<string, { security: unknown[] }>> };
    const keyed = Object.entries(doc.paths).flatMap(([template, item]) =>
      Object.entries(item).flatMap(([method, operation]) =>
        operation.security.length && Object.keys(operation.security[0] as object).includes('apiKey')
          ? [{ method: method.toUpperCase(), path: template.replace(/\{\w+\}/g, 'x') }]
          : [],
      ),
    );
    expect(keyed.length).toBeGreaterThan(40);
    for (const { method, path } of keyed) {
      const res = await stack.request(null, method, path);
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(validator.checkAnswer(method, path, res)).toEqual([]);
    }
  });

  it("answers the Speko SDK's errors in Speko's body, as documented", async () => {
    const sdk = { 'user-agent': '@spekoai/sdk/0.5.4' };
    for (const path of ['/v1/jobs/job_0000000000000000000000000000', '/v1/webhooks/we_0']) {
      const res = await stack.request(keys.a, 'GET', path, undefined, sdk);
      expect(res.status, path).toBe(404);
      expect(Object.keys(res.body), path).toEqual(['error', 'code', 'type', 'param']);
      expect(validator.checkAnswer('GET', path, res)).toEqual([]);
    }
    // An OpenAI route's own errors stay OpenAI's; its 401 comes from authentication, before its router.
    const notFound = await stack.request(keys.a, 'GET', '/v1/files/file-0', undefined, sdk);
    expect(validator.checkAnswer('GET', '/v1/files/file-0', notFound)).toEqual([]);
    const unauthorized = await stack.request(null, 'GET', '/v1/files/file-0', undefined, sdk);
    expect(Object.keys(unauthorized.body)).toEqual(['error', 'code', 'type', 'param']);
    expect(validator.checkAnswer('GET', '/v1/files/file-0', unauthorized)).toEqual([]);
  });

  it('answers a JSON body over the limit 413, as documented, on every route that takes JSON', async () => {
    const doc = (await stack.request(null, 'GET', '/openapi.json')).body as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>>;
    };
    const jsonRoutes = Object.entries(doc.paths).flatMap(([template, item]) =>
      Object.entries(item).flatMap(([method, operation]) =>
        operation.requestBody?.content['application/json'] ? [{ method: method.toUpperCase(), path: template.replace(/\{\w+\}/g, 'x') }] : [],
      ),
    );
    expect(jsonRoutes.length).toBeGreaterThanOrEqual(15);
    for (const { method, path } of jsonRoutes) {
      const res = await stack.request(keys.b, method, path, { pad: 'x'.repeat(JSON_LIMIT * 2) });
      expect(res.status, `${method} ${path}`).toBe(413);
      expect(validator.checkAnswer(method, path, res)).toEqual([]);
    }
  });

  it('answers a JSON route sent another content type 415, as documented', async () => {
    const doc = (await stack.request(null, 'GET', '/openapi.json')).body as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>>;
    };
    const jsonOnly = Object.entries(doc.paths).flatMap(([template, item]) =>
      Object.entries(item).flatMap(([method, operation]) => {
        const types = Object.keys(operation.requestBody?.content ?? {});
        return types.length === 1 && types[0] === 'application/json' ? [{ method: method.toUpperCase(), path: template.replace(/\{\w+\}/g, 'x') }] : [];
      }),
    );
    expect(jsonOnly.length).toBeGreaterThanOrEqual(14);
    for (const { method, path } of jsonOnly) {
      const res = await stack.request(keys.b, method, path, 'hello', { 'content-type': 'text/plain' });
      expect(res.status, `${method} ${path}`).toBe(415);
      expect(validator.checkAnswer(method, path, res)).toEqual([]);
    }
  });

  it('answers a one-shot call with Prefer: respond-async 202 with the job, as documented', async () => {
    for (const c of RUN_CALLS) {
      const path = c.path(f);
      const res = await stack.request(keys.b, c.method, path, c.body?.(f), { ...c.headers, prefer: 'respond-async' });
      expect(res.status, `${c.method} ${path}: ${JSON.stringify(res.body)}`).toBe(202);
      expect(validator.checkAnswer(c.method, path, res)).toEqual([]);
    }
  });

  it('answers a tenant past its monthly allowance 402, as documented, on every route that makes a job', async () => {
    const redis = createRedisConnection(stack.config.redis);
    try {
      const tenant = `doc-spent-${randomUUID().slice(0, 8)}`;
      const key = (await stack.createKey(tenant)).apiKey;
      await new UsageAllowance(redis, stack.config.redis.prefix, stack.config.limits.monthlyJobAllowance).setAllowance(tenant, 1);
      const job = { type: 'complete', input: { messages: msg } };
      expect((await stack.request(key, 'POST', '/v1/jobs', job)).status).toBe(202);
      const calls: Call[] = [
        ...RUN_CALLS,
        { method: 'POST', path: () => '/v1/jobs', body: json(job) },
        { method: 'POST', path: () => '/v1/jobs:batch', body: json({ jobs: [job] }) },
      ];
      for (const c of calls) {
        const path = c.path(f);
        const res = await stack.request(key, c.method, path, c.body?.(f), { ...c.headers, prefer: 'respond-async' });
        expect(res.status, `${c.method} ${path}`).toBe(402);
        expect(validator.checkAnswer(c.method, path, res)).toEqual([]);
      }
    } finally {
      redis.disconnect();
    }
  });

  it("answers a key over its rate limit 429, as documented, in each surface's body", async () => {
    const redis = createRedisConnection(stack.config.redis);
    try {
      const store = new ApiKeyStore(redis, stack.config.redis.prefix);
      const limited = (await store.create(`doc-rl-${randomUUID().slice(0, 8)}`, 'test', { rateLimit: { perSecond: 1, burst: 0 } })).apiKey;
      const calls: Call[] = [
        { method: 'GET', path: () => '/v1/jobs' },
        { method: 'GET', path: () => '/v1/files' },
        { method: 'POST', path: () => '/v1/complete', body: json({ messages: msg }), headers: { prefer: 'respond-async' } },
      ];
      for (const c of calls) {
        const path = c.path(f);
        // One request a second passes: ask until one is refused, however slow the machine.
        let res = await stack.request(limited, c.method, path, c.body?.(f), c.headers);
        for (let i = 0; i < 50 && res.status !== 429; i++) res = await stack.request(limited, c.method, path, c.body?.(f), c.headers);
        expect(res.status, `${c.method} ${path}`).toBe(429);
        expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(validator.checkAnswer(c.method, path, res)).toEqual([]);
      }
    } finally {
      redis.disconnect();
    }
  });

  it('answers a tenant past its webhook endpoints 409 too_many_webhook_endpoints, as documented', async () => {
    const key = (await stack.createKey(`doc-c-${randomUUID().slice(0, 8)}`)).apiKey;
    let res = await stack.request(key, 'POST', '/v1/webhooks', { url: PUBLIC_HOOK });
    while (res.status === 201) res = await stack.request(key, 'POST', '/v1/webhooks', { url: PUBLIC_HOOK });
    expect(res.status).toBe(409);
    expect(res.body.error?.code).toBe('too_many_webhook_endpoints');
    expect(validator.checkAnswer('POST', '/v1/webhooks', res)).toEqual([]);
  });

  it('answers a one-shot call whose job outlasts the wait 504 job_wait_timeout, as documented', async () => {
    // A stack of its own with the shortest waits, no worker, and chat calls queued rather than
    // run in the api (API_INLINE_MAX=0): the jobs never run, so every wait runs out.
    const slow = await startSimulatedStack({ API_SYNC_WAIT_MS: '1', API_OPENAI_WAIT_MS: '1000', API_INLINE_MAX: '0' }, { worker: false, dispatcher: false });
    try {
      const { apiKey } = await slow.createKey(`doc-wait-${randomUUID().slice(0, 8)}`);
      for (const c of RUN_CALLS) {
        const path = c.path(f);
        const res = await slow.request(apiKey, c.method, path, c.body?.(f), c.headers);
        expect(res.status, `${c.method} ${path}: ${JSON.stringify(res.body)}`).toBe(504);
        expect(validator.checkAnswer(c.method, path, res)).toEqual([]);
      }
    } finally {
      await slow.close();
    }
  });

  it('redelivers a finished delivery with an answer the document describes', async () => {
    // A stack of its own: a delivery must reach a receiver on this machine and finish first,
    // which the strict stack above (no private networks, no dispatcher) cannot do.
    const hooks = await startStack(testConfig({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_RETRY_SCHEDULE: '0' }), {
      worker: false,
    });
    let receiver: WebhookReceiver | undefined;
    try {
      const { apiKey, webhookSecret } = await hooks.createKey(`doc-hooks-${randomUUID().slice(0, 8)}`);
      receiver = await startWebhookReceiver({ secret: webhookSecret, respond: () => 500 });
      const job = await hooks.request(apiKey, 'POST', '/v1/jobs', { type: 'complete', input: { messages: msg }, webhook: { url: receiver.url } });
      await hooks.request(apiKey, 'DELETE', `/v1/jobs/${String(job.body['id'])}`);
      const failed = await eventually(async () => {
        const list = await hooks.request(apiKey, 'GET', `/v1/webhook-deliveries?jobId=${String(job.body['id'])}&state=failed`);
        return (list.body['data'] as { id: string }[])[0];
      });
      const path = `/v1/webhook-deliveries/${failed.id}/redeliver`;
      const res = await hooks.request(apiKey, 'POST', path);
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
      expect(validator.checkAnswer('POST', path, res)).toEqual([]);
    } finally {
      await receiver?.close();
      await hooks.close();
      await cleanupPrefix(hooks.config);
    }
  });

  it('reached a success answer of every operation', () => {
    const operations = validator.operationIds();
    const succeeded = new Set([...validator.seen].filter((s) => /\s2\d\d$/.test(s)).map((s) => s.split(' ')[0]));
    expect(operations.filter((id) => !succeeded.has(id) && !HANDSHAKE_OPERATIONS.includes(id))).toEqual([]);
  });
});
