import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@voxq/logging';
import { startSimulator, type Simulator } from '@voxq/simulator';
import type { CallContext, LlmProvider, LlmRequest } from '../provider';
import { createOpenAiCompatibleLlm } from './complete';

const logger = createLogger({ name: 'test', level: 'silent' });
const ctx = (signal = new AbortController().signal): CallContext => ({ signal, logger });

/** A port nothing listens on (fetch refuses well-known "bad ports" such as 9 outright). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const lookup = {
  name: 'lookup_order',
  description: 'Find an order by id',
  parameters: { type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] },
  executionMode: 'inline' as const,
};

describe('openai-compatible LLM against the simulator', () => {
  let simulator: Simulator;
  let llm: LlmProvider;

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0 });
    llm = createOpenAiCompatibleLlm({ name: 'openai', baseUrl: simulator.baseUrl, apiKey: 'sk-test-123', defaultModel: 'gpt-4o-mini' });
  });
  beforeEach(() => simulator.reset());
  afterAll(() => simulator.close());

  it('sends the documented Chat Completions request and maps the reply', async () => {
    const request: LlmRequest = {
      systemPrompt: 'Be brief.',
      messages: [{ role: 'user', content: 'Where is my order?' }],
      tools: [lookup],
      toolChoice: 'auto',
      parallelToolCalls: true,
      maxTokens: 64,
      temperature: 0.2,
      reasoningEffort: 'medium',
    };
    const response = await llm.complete(request, ctx());

    expect(response).toMatchObject({ text: 'Simulated reply to: Where is my order?', model: 'gpt-4o-mini', finishReason: 'stop' });
    expect(response.usage.promptTokens).toBeGreaterThan(0);
    expect(response.usage.completionTokens).toBeGreaterThan(0);

    const [received] = simulator.requests();
    expect(received).toMatchObject({ method: 'POST', path: '/v1/chat/completions' });
    expect(received?.headers.authorization).toBe('Bearer ***');
    expect(received?.headers['content-type']).toBe('application/json');
    expect(received?.body).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Where is my order?' },
      ],
      tools: [{ type: 'function', function: { name: 'lookup_order', description: lookup.description, parameters: lookup.parameters } }],
      tool_choice: 'auto',
      parallel_tool_calls: true,
      max_tokens: 64,
      temperature: 0.2,
      reasoning_effort: 'medium',
    });
  });

  it('maps tool calls back, and sends the follow-up turn with tool_calls and the tool result', async () => {
    const first = await llm.complete({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Call lookup_order for 42' }], tools: [lookup] }, ctx());
    expect(first.finishReason).toBe('tool_calls');
    expect(first.toolCalls).toEqual([{ id: expect.any(String), name: 'lookup_order', args: '{"orderId":"simulated"}' }]);
    const call = first.toolCalls?.[0];
    if (!call) throw new Error('expected a tool call');

    const second = await llm.complete(
      {
        model: 'gpt-4.1',
        messages: [
          { role: 'user', content: 'Call lookup_order for 42' },
          { role: 'assistant', content: '', toolCalls: [call] },
          { role: 'tool', content: '{"status":"shipped"}', toolCallId: call.id },
        ],
        tools: [lookup],
        toolChoice: { name: 'lookup_order' },
      },
      ctx(),
    );
    expect(second.finishReason).toBe('stop');
    const body = simulator.requests()[1]?.body as { messages: unknown[]; tool_choice: unknown };
    expect(body.messages.slice(1)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: call.id, type: 'function', function: { name: 'lookup_order', arguments: call.args } }] },
      { role: 'tool', tool_call_id: call.id, content: '{"status":"shipped"}' },
    ]);
    expect(body.tool_choice).toEqual({ type: 'function', function: { name: 'lookup_order' } });
  });

  const hi: LlmRequest = { messages: [{ role: 'user', content: 'Hi' }] };

  it.each([
    [{ status: 500 }, { code: 'provider_unavailable', retryable: true, failover: true }],
    [{ status: 503 }, { code: 'provider_unavailable', retryable: true, failover: true }],
    [
      { status: 429, retryAfterSeconds: 2 },
      { code: 'provider_unavailable', retryable: true, failover: true, retryAfterSeconds: 2 },
    ],
    [
      { status: 404, message: 'The model `gpt-9` does not exist' },
      { code: 'provider_misconfigured', retryable: false, failover: true },
    ],
    [{ status: 400 }, { code: 'provider_rejected_input', retryable: false, failover: false }],
    [{ malformed: true as const }, { code: 'provider_unavailable', retryable: true, failover: true }],
    [{ reset: true as const }, { code: 'provider_unavailable', retryable: true, failover: true }],
  ])('maps the fault %j to %j', async (fault, expected) => {
    simulator.enqueueFaults([fault]);
    await expect(llm.complete(hi, ctx())).rejects.toMatchObject(expected);
  });

  it('maps a revoked key to provider_misconfigured', async () => {
    const revoked = createOpenAiCompatibleLlm({ name: 'openai', baseUrl: simulator.baseUrl, apiKey: 'sk-sim-invalid', defaultModel: 'm' });
    await expect(revoked.complete(hi, ctx())).rejects.toMatchObject({
      code: 'provider_misconfigured',
      failover: true,
      retryable: false,
      message: 'openai: HTTP 401: Incorrect API key provided.',
    });
  });

  it('gives up on a hung upstream when the call times out', async () => {
    simulator.enqueueFaults([{ hang: true }]);
    const started = Date.now();
    await expect(llm.complete(hi, ctx(AbortSignal.timeout(200)))).rejects.toMatchObject({ code: 'provider_unavailable', failover: true });
    // A hang never ends: a wide bound still tells the two apart on a busy machine.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('reports a cancelled call as job_cancelled', async () => {
    simulator.enqueueFaults([{ hang: true }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(llm.complete(hi, ctx(controller.signal))).rejects.toMatchObject({ code: 'job_cancelled' });
  });

  it('maps a refused connection to provider_unavailable', async () => {
    const port = await closedPort();
    const nowhere = createOpenAiCompatibleLlm({ name: 'ollama', baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: 'x', defaultModel: 'llama3' });
    await expect(nowhere.complete(hi, ctx())).rejects.toMatchObject({ code: 'provider_unavailable', message: 'ollama: connection failed (ECONNREFUSED)' });
  });
});
