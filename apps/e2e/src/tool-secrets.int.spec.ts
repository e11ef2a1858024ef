import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDispatcherProcess } from '@voxq/tool-calls';
import { startSimulatedStack, startWebhookReceiver, type SimulatedStack, type WebhookReceiver, installationKeys } from '@voxq/testing';
import { createRedisConnection } from '@voxq/queues';

type ServerToolCall = { name: string; content: string; isError: boolean; executionMode: string };

/** Standard Webhooks' form of a raw key (its UTF-8 bytes), as docs/tools.md says voxq reads a non-`whsec_` value. */
const asWhsec = (raw: string) => `whsec_${Buffer.from(raw, 'utf8').toString('base64')}`;

/** Every string value under the stack's Redis prefix (records, queued jobs, tool loops), to look for leaks. */
async function storedText(stack: SimulatedStack): Promise<string> {
  const redis = createRedisConnection(stack.config.redis);
  try {
    const keys = await installationKeys(redis, stack.config.redis);
    const parts = await Promise.all(
      keys.map(async (key) => {
        const type = await redis.type(key);
        if (type === 'string') return (await redis.get(key)) ?? '';
        if (type === 'hash') return JSON.stringify(await redis.hgetall(key));
        if (type === 'list') return JSON.stringify(await redis.lrange(key, 0, -1));
        if (type === 'stream') return JSON.stringify(await redis.xrange(key, '-', '+'));
        return '';
      }),
    );
    return parts.join('\n');
  } finally {
    redis.disconnect();
  }
}

describe('tools with tenant secrets (the Speko SDK shapes)', () => {
  let stack: SimulatedStack;
  let key: string;
  let receiver: WebhookReceiver;
  const lines: string[] = [];
  // Values that must never be logged or stored in clear; LEAKCHECK makes a leak easy to find.
  const signingValue = `sign-LEAKCHECK-${randomBytes(12).toString('hex')}`;
  const crmToken = `crm-LEAKCHECK-${randomBytes(12).toString('hex')}`;

  beforeAll(async () => {
    const logs = new PassThrough();
    logs.setEncoding('utf8').on('data', (chunk: string) => lines.push(chunk));
    stack = await startSimulatedStack({ LOG_LEVEL: 'debug', API_RATE_LIMIT_PER_SECOND: '0' }, { logDestination: logs });
    key = (await stack.createKey('secrets-acme')).apiKey;
    receiver = await startWebhookReceiver({ secret: asWhsec(signingValue), respond: () => 200 });
    for (const [name, value] of [
      ['tool_signing', signingValue],
      ['crm.token', crmToken],
    ]) {
      const res = await stack.request(key, 'POST', '/v1/secrets', { name, value });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
  });
  afterAll(async () => {
    await receiver?.close();
    await stack?.close();
  });

  const lookupTool = (source: Record<string, unknown>) => ({
    name: 'lookup_order',
    description: 'Looks an order up',
    parameters: { type: 'object', properties: { id: { type: 'string' } } },
    executionMode: 'webhook',
    source: { kind: 'webhook', url: receiver.url, timeoutMs: 5_000, ...source },
  });

  it('a /v1/complete webhook tool reaches its server with the resolved auth header, its own headers and a signature made with the secret', async () => {
    const res = await stack.request(
      key,
      'POST',
      '/v1/complete',
      {
        messages: [{ role: 'user', content: 'Where is my order? use lookup_order' }],
        tools: [
          lookupTool({
            secretRef: 'tool_signing',
            authHeaders: [{ name: 'authorization', secretRef: 'crm.token' }],
            headers: { 'x-tenant-tag': 'blue', 'webhook-signature': 'forged' },
          }),
        ],
        toolChoice: { type: 'function', function: { name: 'lookup_order' } },
      },
      { accept: 'application/json' },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const call = await receiver.waitFor((w) => (w.body as { name?: string }).name === 'lookup_order');
    expect(call.verified).toBe(true);
    expect(call.headers.authorization).toBe(crmToken);
    expect(call.headers['x-tenant-tag']).toBe('blue');
    expect(call.headers['webhook-signature']).not.toBe('forged');

    // The job carries the references, never the values; so does every key voxq wrote.
    const jobId = res.headers.get('x-voxq-job-id')!;
    expect((await stack.waitForJob(key, jobId)).status).toBe('completed');
    const stored = await storedText(stack);
    expect(stored).toContain('crm.token');
    expect(stored).not.toContain(crmToken);
    expect(stored).not.toContain(signingValue);
  });

  it('signs with a whsec_ secret as Standard Webhooks reads it', async () => {
    const whsec = `whsec_${randomBytes(24).toString('base64')}`;
    expect((await stack.request(key, 'POST', '/v1/secrets', { name: 'whsec_style', value: whsec })).status).toBe(201);
    const own = await startWebhookReceiver({ secret: whsec });
    try {
      const res = await stack.request(key, 'POST', '/v1/jobs', {
        type: 'complete',
        input: {
          messages: [{ role: 'user', content: 'use lookup_order' }],
          tools: [{ ...lookupTool({ secretRef: 'whsec_style' }), source: { kind: 'webhook', url: own.url, secretRef: 'whsec_style' } }],
        },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      expect((await own.waitFor(() => true)).verified).toBe(true);
    } finally {
      await own.close();
    }
  });

  it.each([
    ['/v1/complete', 'tools.0.source.secretRef', (tools: unknown[]) => ({ messages: [{ role: 'user', content: 'hi' }], tools })],
    ['/v1/jobs', 'input.tools.0.source.secretRef', (tools: unknown[]) => ({ type: 'complete', input: { messages: [{ role: 'user', content: 'hi' }], tools } })],
  ])('%s: a secretRef the tenant does not have is a 400 naming %s, nothing queued', async (path, param, body) => {
    const fresh = (await stack.createKey(`secrets-missing-${randomBytes(4).toString('hex')}`)).apiKey;
    const res = await stack.request(fresh, 'POST', path, body([lookupTool({ secretRef: 'not_defined' })]), { accept: 'application/json' });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    // Speko's route answers Speko's error body; voxq's its envelope: the same code, param and message.
    const error = path === '/v1/complete' ? { ...res.body, code: String(res.body.code).toLowerCase(), message: res.body.error } : res.body.error;
    expect(error).toMatchObject({ code: 'secret_not_found', param, message: expect.stringContaining("'not_defined'") });
    const jobs = await stack.request(fresh, 'GET', '/v1/jobs');
    expect(jobs.body.data).toEqual([]);
  });

  it('names an authHeaders secretRef on Speko routes and a batch line on /v1/jobs:batch', async () => {
    const single = await stack.request(key, 'POST', '/v1/complete', {
      messages: [{ role: 'user', content: 'hi' }],
      tools: [
        lookupTool({
          secretRef: 'tool_signing',
          authHeaders: [
            { name: 'x-a', secretRef: 'crm.token' },
            { name: 'x-b', secretRef: 'gone' },
          ],
        }),
      ],
    });
    expect(single.body).toMatchObject({ code: 'SECRET_NOT_FOUND', param: 'tools.0.source.authHeaders.1.secretRef', error: expect.stringContaining("'gone'") });
    const ok = { type: 'complete', input: { messages: [{ role: 'user', content: 'hi' }] } };
    const bad = { type: 'complete', input: { messages: [{ role: 'user', content: 'hi' }], tools: [lookupTool({ secretRef: 'gone' })] } };
    const batch = await stack.request(key, 'POST', '/v1/jobs:batch', { jobs: [ok, bad] });
    expect(batch.status, JSON.stringify(batch.body)).toBe(400);
    expect(batch.body.error).toMatchObject({ code: 'secret_not_found', param: 'jobs.1.input.tools.0.source.secretRef' });
  });

  it('runs a builtin named by source.name under the name the model calls', async () => {
    const res = await stack.request(key, 'POST', '/v1/jobs', {
      type: 'complete',
      input: {
        messages: [{ role: 'user', content: 'What time is it? use clock' }],
        tools: [{ name: 'clock', description: 'The time', parameters: { type: 'object', properties: {} }, source: { kind: 'builtin', name: 'current_time' } }],
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const job = await stack.waitForJob(key, res.body.id as string);
    const [call] = (job.result as { serverToolCalls: ServerToolCall[] }).serverToolCalls;
    expect(call).toMatchObject({ name: 'clock', executionMode: 'builtin', isError: false });
    expect(JSON.parse(call!.content)).toMatchObject({ iso: expect.any(String) });
  });

  it('never logs a secret value', () => {
    const text = lines.join('');
    expect(text).toMatch(/tool called/);
    expect(text).not.toContain(crmToken);
    expect(text).not.toContain(signingValue);
  });
});

describe('a secret deleted after its job was submitted', () => {
  it('becomes a tool error the model reads, not a crash', async () => {
    // No dispatcher yet: the call waits in the tools queue while the secret is deleted.
    const stack = await startSimulatedStack({}, { dispatcher: false });
    const receiver = await startWebhookReceiver({ secret: asWhsec('s') });
    let dispatcher: Awaited<ReturnType<typeof startDispatcherProcess>> | null = null;
    try {
      const key = (await stack.createKey('secrets-deleted')).apiKey;
      expect((await stack.request(key, 'POST', '/v1/secrets', { name: 'short_lived', value: 'v' })).status).toBe(201);
      const res = await stack.request(key, 'POST', '/v1/jobs', {
        type: 'complete',
        input: {
          messages: [{ role: 'user', content: 'use lookup_order' }],
          tools: [{ name: 'lookup_order', source: { kind: 'webhook', url: receiver.url, authHeaders: [{ name: 'x-key', secretRef: 'short_lived' }] } }],
        },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      await stack.request(key, 'DELETE', '/v1/secrets/short_lived');
      dispatcher = await startDispatcherProcess(stack.config, stack.logger);
      const job = await stack.waitForJob(key, res.body.id as string);
      expect(job.status, JSON.stringify(job.error)).toBe('completed');
      expect((job.result as { serverToolCalls: ServerToolCall[] }).serverToolCalls[0]).toMatchObject({
        content: "Tool error: secret 'short_lived' is not defined",
        isError: true,
      });
      expect(receiver.received).toHaveLength(0);
    } finally {
      await dispatcher?.close();
      await receiver.close();
      await stack.close();
    }
  });
});
