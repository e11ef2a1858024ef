import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@voxq/logging';
import { startSimulator, type Simulator } from '@voxq/simulator';
import type { CallContext, LlmProvider, LlmRequest } from '../provider';
import { createAnthropicLlm } from './complete';

const logger = createLogger({ name: 'test', level: 'silent' });
const ctx = (signal = new AbortController().signal): CallContext => ({ signal, logger });

const lookup = {
  name: 'lookup_order',
  description: 'Find an order by id',
  parameters: { type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] },
  executionMode: 'inline' as const,
};
const hi: LlmRequest = { messages: [{ role: 'user', content: 'Hi' }] };

describe('anthropic LLM against the simulator', () => {
  let simulator: Simulator;
  let llm: LlmProvider;
  const create = (apiKey = 'sk-ant-test-123') =>
    createAnthropicLlm({ baseUrl: simulator.baseUrlFor('anthropic'), apiKey, version: '2023-06-01', defaultModel: 'claude-sonnet-4-5' });

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0 });
    llm = create();
  });
  beforeEach(() => simulator.reset());
  afterAll(() => simulator.close());

  it('sends the documented Messages request and maps the reply', async () => {
    const response = await llm.complete(
      {
        systemPrompt: 'Be brief.',
        messages: [{ role: 'user', content: 'Where is my order?' }],
        tools: [lookup],
        toolChoice: 'auto',
        maxTokens: 64,
        temperature: 0.2,
      },
      ctx(),
    );

    expect(llm).toMatchObject({ name: 'anthropic', capability: 'llm', defaultModel: 'claude-sonnet-4-5' });
    expect(response).toMatchObject({ text: 'Simulated reply to: Where is my order?', model: 'claude-sonnet-4-5', finishReason: 'stop' });
    expect(response.usage.promptTokens).toBeGreaterThan(0);
    expect(response.usage.completionTokens).toBeGreaterThan(0);

    const [received] = simulator.requests('anthropic');
    expect(received).toMatchObject({ provider: 'anthropic', method: 'POST', path: '/anthropic/v1/messages' });
    expect(received?.headers).toMatchObject({ 'x-api-key': '***', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' });
    expect(received?.headers).not.toHaveProperty('authorization');
    expect(received?.body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 64,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Where is my order?' }],
      temperature: 0.2,
      tools: [{ name: 'lookup_order', description: lookup.description, input_schema: lookup.parameters }],
      tool_choice: { type: 'auto' },
    });
  });

  it('maps tool_use back to tool calls, and sends the follow-up turn as tool_use and tool_result blocks', async () => {
    const first = await llm.complete({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'Call lookup_order for 42' }], tools: [lookup] }, ctx());
    expect(first).toMatchObject({ model: 'claude-haiku-4-5', finishReason: 'tool_calls', text: '' });
    expect(first.toolCalls).toEqual([{ id: expect.stringMatching(/^toolu_/), name: 'lookup_order', args: '{"orderId":"simulated"}' }]);
    const call = first.toolCalls?.[0];
    if (!call) throw new Error('expected a tool call');

    const second = await llm.complete(
      {
        model: 'claude-haiku-4-5',
        messages: [
          { role: 'user', content: 'Call lookup_order for 42' },
          { role: 'assistant', content: '', toolCalls: [call] },
          { role: 'tool', content: '{"status":"shipped"}', toolCallId: call.id },
        ],
        tools: [lookup],
        toolChoice: { name: 'lookup_order' },
        parallelToolCalls: false,
      },
      ctx(),
    );
    // The simulator checks that every tool_use is answered in the next turn, as Anthropic does.
    expect(second).toMatchObject({ finishReason: 'stop', text: 'Simulated reply to: Call lookup_order for 42' });
    const body = simulator.requests('anthropic')[1]?.body as { messages: unknown[]; tool_choice: unknown };
    expect(body.messages.slice(1)).toEqual([
      { role: 'assistant', content: [{ type: 'tool_use', id: call.id, name: 'lookup_order', input: { orderId: 'simulated' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '{"status":"shipped"}' }] },
    ]);
    expect(body.tool_choice).toEqual({ type: 'tool', name: 'lookup_order', disable_parallel_tool_use: true });
  });

  it('forces a tool call with toolChoice required', async () => {
    const response = await llm.complete({ ...hi, tools: [lookup], toolChoice: 'required' }, ctx());
    expect(response.toolCalls?.map((c) => c.name)).toEqual(['lookup_order']);
  });

  it('reports max_tokens as length', async () => {
    const response = await llm.complete({ ...hi, maxTokens: 2 }, ctx());
    expect(response).toMatchObject({ text: 'Simulated reply', finishReason: 'length' });
  });

  it.each([
    [{ status: 529 }, { code: 'provider_unavailable', retryable: true, failover: true }],
    [{ status: 500 }, { code: 'provider_unavailable', retryable: true, failover: true }],
    [
      { status: 429, retryAfterSeconds: 2 },
      { code: 'provider_unavailable', retryable: true, failover: true, retryAfterSeconds: 2 },
    ],
    [
      { status: 404, message: 'model: claude-9' },
      { code: 'provider_misconfigured', retryable: false, failover: true, message: 'anthropic: HTTP 404: not_found_error: model: claude-9' },
    ],
    [{ status: 403 }, { code: 'provider_misconfigured', retryable: false, failover: true }],
    [{ status: 400 }, { code: 'provider_rejected_input', retryable: false, failover: false }],
    [{ status: 413 }, { code: 'provider_rejected_input', retryable: false, failover: false }],
    [
      { malformed: true as const },
      { code: 'provider_unavailable', retryable: true, failover: true, message: 'anthropic: malformed response: body is not JSON' },
    ],
    [{ reset: true as const }, { code: 'provider_unavailable', retryable: true, failover: true }],
    [{ cut: true as const }, { code: 'provider_unavailable', retryable: true, failover: true }],
  ])('maps the fault %j to %j', async (fault, expected) => {
    simulator.enqueueFaults([fault], 'anthropic');
    await expect(llm.complete(hi, ctx())).rejects.toMatchObject(expected);
  });

  it('still answers a slow upstream in full', async () => {
    simulator.enqueueFaults([{ slowMs: 100 }], 'anthropic');
    await expect(llm.complete(hi, ctx())).resolves.toMatchObject({ text: 'Simulated reply to: Hi' });
  });

  it('maps a revoked key to provider_misconfigured', async () => {
    await expect(create('sk-sim-invalid').complete(hi, ctx())).rejects.toMatchObject({
      code: 'provider_misconfigured',
      failover: true,
      retryable: false,
      message: 'anthropic: HTTP 401: authentication_error: invalid x-api-key',
    });
  });

  it('maps a request Anthropic refuses to provider_rejected_input', async () => {
    // A conversation may not start with the assistant; the simulator refuses it as Anthropic does.
    const request: LlmRequest = {
      messages: [
        { role: 'assistant', content: 'Hello!' },
        { role: 'user', content: 'Hi' },
      ],
    };
    await expect(llm.complete(request, ctx())).rejects.toMatchObject({ code: 'provider_rejected_input', failover: false });
  });

  it('gives up on a hung upstream when the call times out', async () => {
    simulator.enqueueFaults([{ hang: true }], 'anthropic');
    const started = Date.now();
    await expect(llm.complete(hi, ctx(AbortSignal.timeout(200)))).rejects.toMatchObject({
      code: 'provider_unavailable',
      failover: true,
      message: 'anthropic: timed out',
    });
    // A hang never ends: a wide bound still tells the two apart on a busy machine.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('reports a cancelled call as job_cancelled', async () => {
    simulator.enqueueFaults([{ hang: true }], 'anthropic');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(llm.complete(hi, ctx(controller.signal))).rejects.toMatchObject({ code: 'job_cancelled' });
  });
});
