import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerProcess } from '@voxq/jobs';
import { eventually, startSimulatedStack, type SimulatedStack } from '@voxq/testing';

interface ToolCallSeen {
  name: string;
  body: { jobId: string; toolCallId: string; name: string; args: unknown };
  verified: boolean;
  headers: IncomingHttpHeaders;
}

/**
 * A tool server that checks voxq's signatures with the `standardwebhooks` package (not
 * voxq's code) and answers per tool: `get_weather`, `get_time` after 150 ms, `pair_a` and
 * `pair_b` once both are in flight (or after 5 s: calls made one after the other still end,
 * and show as one in flight at a time), `slow_tool` never in time, `broken_tool` with a 500,
 * `held_tool` when the test releases it.
 */
async function startToolServer(secret: () => string) {
  const seen: ToolCallSeen[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const pairWaiting: Array<() => void> = [];
  const server: Server = createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = JSON.parse(raw) as ToolCallSeen['body'];
    let verified = false;
    try {
      new Webhook(secret()).verify(raw, req.headers as Record<string, string>);
      verified = true;
    } catch {
      verified = false;
    }
    seen.push({ name: body.name, body, verified, headers: req.headers });
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    const answer = (status: number, payload: unknown) => {
      inFlight--;
      if (!res.destroyed) res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    };
    if (body.name === 'slow_tool') return void setTimeout(() => answer(200, { content: 'too late' }), 2_000);
    if (body.name === 'broken_tool') return answer(500, { error: 'tool server exploded' });
    if (body.name === 'held_tool') return void held.then(() => answer(200, { content: 'released' }));
    if (body.name === 'pair_a' || body.name === 'pair_b') {
      let answered = false;
      const reply = () => (answered ? undefined : ((answered = true), answer(200, { content: `${body.name} done` })));
      pairWaiting.push(reply);
      if (pairWaiting.length >= 2) pairWaiting.splice(0).forEach((r) => r());
      else setTimeout(() => (pairWaiting.splice(pairWaiting.indexOf(reply), 1), reply()), 5_000);
      return;
    }
    setTimeout(() => answer(200, { content: body.name === 'get_time' ? '12:00' : 'Sunny, 21 C' }), 150);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tools`;
  return { url, seen, maxInFlight: () => maxInFlight, release, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const webhookTool = (name: string, url: string, extra: Record<string, unknown> = {}) => ({
  name,
  description: `The ${name} tool`,
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  executionMode: 'webhook',
  source: { kind: 'webhook', url, timeoutMs: 1_000, authHeaders: { 'x-tool-token': 'tool-secret' }, ...extra },
});

type CompleteResult = {
  text: string;
  serverToolCalls?: Array<{ hop: number; name: string; content: string; isError: boolean; executionMode: string; responseMode?: string }>;
};

describe('webhook-mode tools', () => {
  let stack: SimulatedStack;
  let key: string;
  let secret: string;
  let tools: Awaited<ReturnType<typeof startToolServer>>;

  beforeAll(async () => {
    stack = await startSimulatedStack();
    const created = await stack.createKey('acme');
    key = created.apiKey;
    secret = created.webhookSecret;
    tools = await startToolServer(() => secret);
  });
  afterAll(async () => {
    await stack?.close();
    await tools?.close();
  });
  afterEach(() => void tools.seen.splice(0));

  const run = async (content: string, toolList: unknown[], extra: Record<string, unknown> = {}) => {
    const res = await stack.request(key, 'POST', '/v1/jobs', {
      type: 'complete',
      input: { messages: [{ role: 'user', content }], tools: toolList, ...extra },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return stack.waitForJob(key, res.body.id as string, 30_000);
  };

  it('runs a two-hop loop: signed calls to the tool, answers fed back, a final reply', async () => {
    const calls = stack.simulator.requests('openai').length;
    const job = await run('What is the weather? use get_weather [[hops:2]]', [webhookTool('get_weather', tools.url)]);
    expect(job.status, JSON.stringify(job.error)).toBe('completed');
    const result = job.result as CompleteResult;
    expect(result.text).toMatch(/^Simulated reply to: /);
    expect(result.serverToolCalls?.map((c) => [c.hop, c.name, c.content, c.isError])).toEqual([
      [1, 'get_weather', 'Sunny, 21 C', false],
      [2, 'get_weather', 'Sunny, 21 C', false],
    ]);
    expect(tools.seen).toHaveLength(2);
    expect(tools.seen.every((s) => s.verified)).toBe(true);
    expect(tools.seen[0]!.body).toMatchObject({ jobId: job.id, name: 'get_weather', args: { city: 'simulated' } });
    expect(tools.seen[0]!.headers['x-tool-token']).toBe('tool-secret');
    // The model saw each answer as a `tool` message before its next turn.
    const sent = stack.simulator.requests('openai').slice(calls);
    expect(sent).toHaveLength(3);
    const lastMessages = (sent[2]!.body as { messages: Array<{ role: string; content: string }> }).messages;
    expect(lastMessages.filter((m) => m.role === 'tool').map((m) => m.content)).toEqual(['Sunny, 21 C', 'Sunny, 21 C']);
    expect(job.attempts).toBe(1);
  });

  it('runs parallel tool calls concurrently', async () => {
    // The server answers these two only once both are in flight: concurrency shows whatever the machine's load.
    const job = await run('Use pair_a and pair_b', [webhookTool('pair_a', tools.url), webhookTool('pair_b', tools.url)]);
    const result = job.result as CompleteResult;
    expect(result.serverToolCalls?.map((c) => [c.hop, c.name])).toEqual([
      [1, 'pair_a'],
      [1, 'pair_b'],
    ]);
    expect(tools.maxInFlight()).toBeGreaterThanOrEqual(2);
  });

  it('feeds a timed-out or failing tool back to the model as an error result', async () => {
    const job = await run('Use slow_tool and broken_tool', [webhookTool('slow_tool', tools.url, { timeoutMs: 300 }), webhookTool('broken_tool', tools.url)]);
    expect(job.status, JSON.stringify(job.error)).toBe('completed');
    const calls = (job.result as CompleteResult).serverToolCalls!;
    expect(calls.map((c) => c.isError)).toEqual([true, true]);
    expect(calls[0]!.content).toMatch(/timed out after 300 ms/);
    expect(calls[1]!.content).toMatch(/HTTP 500: .*tool server exploded/);
  });

  it('fails the job with a clear error when maxToolHops is reached', async () => {
    const job = await run('Loop on get_weather [[hops:5]]', [webhookTool('get_weather', tools.url)], { maxToolHops: 2 });
    expect(job).toMatchObject({ status: 'failed', error: { code: 'max_tool_hops_exceeded', retryable: false, param: 'input.maxToolHops' } });
    expect(tools.seen).toHaveLength(2);
  });

  it('runs builtin tools in-process', async () => {
    const job = await run('What time is it? current_time', [{ name: 'current_time', executionMode: 'builtin' }]);
    const [call] = (job.result as CompleteResult).serverToolCalls!;
    expect(call).toMatchObject({ name: 'current_time', executionMode: 'builtin', isError: false });
    expect(JSON.parse(call!.content)).toMatchObject({ iso: expect.any(String), timezone: 'UTC' });
    expect(tools.seen).toHaveLength(0);
  });

  it('answers async tools with their ack at once and delivers the call in the background', async () => {
    const job = await run('Book it with book_table', [webhookTool('book_table', tools.url, { responseMode: 'async', asyncAck: 'Booking queued.' })]);
    const [call] = (job.result as CompleteResult).serverToolCalls!;
    expect(call).toMatchObject({ name: 'book_table', responseMode: 'async', content: 'Booking queued.', isError: false });
    await eventually(() => (tools.seen.some((s) => s.name === 'book_table') ? true : undefined), 10_000, 'the background tool call');
  });

  it('refuses tool URLs into private networks at submit time unless allowed', async () => {
    const strict = await startSimulatedStack({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' }, { worker: false, dispatcher: false });
    try {
      const strictKey = (await strict.createKey('acme')).apiKey;
      const res = await strict.request(strictKey, 'POST', '/v1/jobs', {
        type: 'complete',
        input: { messages: [{ role: 'user', content: 'hi' }], tools: [webhookTool('get_weather', 'http://169.254.169.254/latest')] },
      });
      expect(res.status).toBe(400);
      expect(res.body.error?.param).toBe('input.tools.0.source.url');
    } finally {
      await strict.close();
    }
  });
});

describe('a tool loop across a worker restart', () => {
  it('finishes once, without calling a tool twice, when its worker goes away mid-loop', async () => {
    const stack = await startSimulatedStack();
    let secret = '';
    const tools = await startToolServer(() => secret);
    const replacement: Array<{ close(): Promise<void> }> = [];
    try {
      const created = await stack.createKey('acme');
      secret = created.webhookSecret;
      const res = await stack.request(created.apiKey, 'POST', '/v1/jobs', {
        type: 'complete',
        input: { messages: [{ role: 'user', content: 'Use held_tool' }], tools: [webhookTool('held_tool', tools.url, { timeoutMs: 20_000 })] },
      });
      const id = res.body.id as string;
      await eventually(() => (tools.seen.length === 1 ? true : undefined), 10_000, 'the tool call');
      // The job waits for its tool without a worker: stop every worker, then start a new one.
      await stack.stopWorker();
      replacement.push(await startWorkerProcess(stack.config, stack.logger, { batches: false }));
      tools.release();
      const job = await stack.waitForJob(created.apiKey, id, 20_000);
      expect(job.status, JSON.stringify(job.error)).toBe('completed');
      expect((job.result as CompleteResult).serverToolCalls?.map((c) => c.content)).toEqual(['released']);
      expect(tools.seen).toHaveLength(1);
    } finally {
      await Promise.all(replacement.map((w) => w.close()));
      await stack.close();
      await tools.close();
    }
  });
});
