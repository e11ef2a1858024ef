import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  sineWav,
  SpekoWireClient,
  SpekoWireError,
  startSimulatedStack,
  startWebhookReceiver,
  type SimulatedStack,
  type WebhookReceiver,
} from '@voxq/testing';

type Json = Record<string, unknown>;

/** The SDK's generic request (`http.request`), through `SpekoWireClient`, which speaks as the SDK does. */
function spekoClient(baseUrl: string, apiKey: string) {
  const client = new SpekoWireClient({ apiKey, baseUrl });
  return <T = Json>(method: string, path: string, body?: unknown) => client.json<T>(method, path, body);
}

const statusOf = (call: Promise<unknown>) =>
  call.then(
    () => 200,
    (error: unknown) => (error instanceof SpekoWireError ? error.status : -1),
  );

describe("the Speko SDK's usage and webhooks resources", () => {
  let stack: SimulatedStack;
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    stack = await startSimulatedStack();
  });
  afterAll(async () => {
    await stack?.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  it('usage.get() finds the minutes, tokens, cost and breakdown of a transcribe, a synthesize and a complete', async () => {
    const { apiKey } = await stack.createKey('speko-usage');
    const speko = spekoClient(stack.url, apiKey);
    const openaiOnly = (capability: string) => JSON.stringify({ allowedProviders: { [capability]: ['openai'] } });

    const wav = sineWav(1.5);
    const transcribed = await stack.request(apiKey, 'POST', '/v1/transcribe', wav, {
      'content-type': 'audio/wav',
      accept: 'application/json',
      'x-speko-constraints': openaiOnly('stt'),
    });
    expect(transcribed.status, JSON.stringify(transcribed.body)).toBe(200);
    const text = 'Hello from the usage test.';
    const synthesized = await stack.request(apiKey, 'POST', '/v1/synthesize', {
      text,
      intent: { language: 'en' },
      constraints: { allowedProviders: { tts: ['openai'] } },
    });
    expect(synthesized.status).toBe(200);
    const completed = await stack.request(
      apiKey,
      'POST',
      '/v1/complete',
      { messages: [{ role: 'user', content: 'Count me.' }] },
      { accept: 'application/json' },
    );
    expect(completed.status, JSON.stringify(completed.body)).toBe(200);
    const tokens = completed.body.usage as { promptTokens: number; completionTokens: number };

    // Usage is recorded as each job finishes, a moment after its answer may have gone out.
    type Line = { provider: string; type: string; metric: string; keySource: string; quantity: number; cost: number };
    type Usage = { totalSessions: number; totalMinutes: number; totalCost: number; breakdown: Line[]; balanceUsd: number | null; currency: string } & Json;
    const usage = await eventually(async () => {
      const u = await speko<Usage>('GET', '/v1/usage');
      return u.totalSessions === 3 ? u : undefined;
    });
    const line = (type: string, metric: string) => usage.breakdown.find((l) => l.type === type && l.metric === metric);

    expect(usage).toMatchObject({ object: 'usage', jobs: 3, currency: 'USD', balanceUsd: null });
    const sttMinutes = line('stt', 'audio_minutes')!;
    expect(sttMinutes).toMatchObject({ provider: 'openai', keySource: 'MANAGED' });
    expect(sttMinutes.quantity).toBeCloseTo(1.5 / 60, 3);
    expect(sttMinutes.cost).toBeCloseTo(sttMinutes.quantity * 0.006, 6); // whisper-1's catalog price per minute
    expect(line('tts', 'characters')).toMatchObject({ provider: 'openai', quantity: text.length });
    expect(line('tts', 'characters')!.cost).toBeCloseTo((text.length / 1e6) * 15, 6); // tts-1, per 1M characters
    expect(line('llm', 'input_tokens')).toMatchObject({ provider: 'openai', quantity: tokens.promptTokens });
    expect(line('llm', 'output_tokens')).toMatchObject({ provider: 'openai', quantity: tokens.completionTokens });
    expect(usage.totalMinutes).toBeGreaterThanOrEqual(sttMinutes.quantity);
    expect(usage.totalCost).toBeCloseTo(
      usage.breakdown.reduce((sum, l) => sum + l.cost, 0),
      6,
    );
    expect(usage.totalCost).toBeGreaterThan(0);

    // A period without those days has nothing; a bad date is a 400 and queues nothing.
    const past = await speko<Usage>('GET', '/v1/usage?from=2025-01-01&to=2025-01-31');
    expect(past).toMatchObject({ totalSessions: 0, totalMinutes: 0, totalCost: 0, breakdown: [], from: '2025-01-01', to: '2025-01-31' });
    expect(await statusOf(speko('GET', '/v1/usage?from=last-week'))).toBe(400);
    expect(await statusOf(speko('GET', '/v1/usage?from=2026-12-05&to=2026-12-01'))).toBe(400);
  });

  it('creates, lists, gets, patches and deletes an endpoint with a name; its deliveries list, read and redeliver in its shapes', async () => {
    const { apiKey } = await stack.createKey('speko-hooks');
    const speko = spekoClient(stack.url, apiKey);
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const hook = await startWebhookReceiver({ secret });
    receivers.push(hook);

    // The SDK's WebhookEndpointInput, its neutral values included.
    const input = {
      name: 'Orders',
      url: hook.url,
      events: ['job.completed'],
      allAgents: true,
      agentIds: [],
      filterTags: [],
      headers: { 'X-Team': 'orders' },
      timeoutMs: 5_000,
      signingSecretSource: 'custom',
      signingSecret: secret,
      contentMode: 'full',
    };
    const created = await speko('POST', '/v1/webhooks', input);
    expect(created).toMatchObject({
      id: expect.stringMatching(/^we_/),
      name: 'Orders',
      url: hook.url,
      events: ['job.completed'],
      headers: { 'x-team': 'orders' },
      timeoutMs: 5_000,
      signingSecretSource: 'custom',
      hasCustomSigningSecret: true,
    });
    expect(JSON.stringify(created)).not.toContain(secret);
    const id = created.id as string;
    expect((await speko<{ data: Json[] }>('GET', '/v1/webhooks')).data.map((e) => e.id)).toEqual([id]);
    expect(await speko('GET', `/v1/webhooks/${id}`)).toMatchObject({ name: 'Orders', hasCustomSigningSecret: true });
    expect(await speko('PATCH', `/v1/webhooks/${id}`, { name: 'Orders v2' })).toMatchObject({ id, name: 'Orders v2', signingSecretSource: 'custom' });

    // What voxq has no meaning for is a 400 naming it; so is an event voxq does not have.
    for (const bad of [
      { agentIds: ['agent_1'] },
      { events: ['call.report'] },
      { authHeaders: [{ name: 'x-key', value: 'raw' }] },
      { headers: { 'Webhook-Signature': 'v1,x' } },
    ]) {
      const refused = await speko('POST', '/v1/webhooks', { ...input, ...bad }).catch((e: unknown) => e);
      expect(refused, JSON.stringify(bad)).toBeInstanceOf(SpekoWireError);
      // Read as the SDK reads it: the message names what was refused.
      expect(refused).toMatchObject({ status: 400, code: 'INVALID_REQUEST', message: expect.stringContaining(Object.keys(bad)[0]!) });
    }

    await new Promise((r) => setTimeout(r, 1_100)); // Workers learn of new endpoints within a second.
    const job = await stack.request(apiKey, 'POST', '/v1/jobs', { type: 'complete', input: { messages: [{ role: 'user', content: 'hook me' }] } });
    const received = await hook.waitFor((w) => (w.body as { data?: { id?: string } }).data?.id === job.body.id);
    expect(received.verified).toBe(true); // signed with the custom secret
    expect(received.headers['x-team']).toBe('orders');

    type Page = { data: Json[]; nextCursor: string | null; endpointOptions: Json[] };
    const page = await eventually(async () => {
      const p = await speko<Page>('GET', `/v1/webhook-deliveries?status=succeeded&event=job.completed&endpointId=${id}`);
      return p.data.length === 1 ? p : undefined;
    });
    const delivery = page.data[0]!;
    expect(delivery).toMatchObject({
      status: 'succeeded',
      event: 'job.completed',
      endpointId: id,
      endpointName: 'Orders v2',
      httpStatus: 200,
      error: null,
      occurredAt: expect.any(String),
      deliveredAt: expect.any(String),
      canRedeliver: true,
    });
    expect(page.endpointOptions).toEqual([{ id, name: 'Orders v2', kind: 'workspace', deleted: false }]);
    expect((await speko<Page>('GET', '/v1/webhook-deliveries?event=job.failed')).data).toEqual([]);
    expect((await speko<Page>('GET', '/v1/webhook-deliveries?status=failed')).data).toEqual([]);
    expect((await speko<Page>('GET', `/v1/webhook-deliveries?sessionId=${job.body.id as string}`)).data.map((d) => d.id)).toEqual([delivery.id]);

    const detail = await speko(`GET`, `/v1/webhook-deliveries/${delivery.id as string}`);
    expect(detail).toMatchObject({ id: delivery.id, attemptCount: 1, requestPayload: { type: 'job.completed', data: { id: job.body.id } } });
    expect(detail.attempts).toEqual([
      expect.objectContaining({
        attemptNumber: 1,
        trigger: 'automatic',
        requestUrl: hook.url,
        responseStatus: 200,
        error: null,
        requestBody: received.rawBody,
      }),
    ]);

    const redelivered = await speko('POST', `/v1/webhook-deliveries/${delivery.id as string}/redeliver`, {});
    expect(redelivered).toMatchObject({ delivered: true, httpStatus: 200, error: null });
    const after = await speko<{ attempts: Json[] }>('GET', `/v1/webhook-deliveries/${delivery.id as string}`);
    expect(after.attempts.map((a) => a.trigger)).toEqual(['manual', 'automatic']);

    expect(await speko('DELETE', `/v1/webhooks/${id}`)).toMatchObject({ id, deleted: true });
    expect(await statusOf(speko('GET', `/v1/webhooks/${id}`))).toBe(404);
  });
});
