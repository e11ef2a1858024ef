import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, RealtimeTestClient, startSimulatedStack, startWebhookReceiver, type SimulatedStack, type WebhookReceiver } from '@voxq/testing';

/** 200 ms of 24 kHz PCM16 silence, base64. */
const AUDIO = Buffer.alloc(24_000 * 2 * 0.2).toString('base64');

type SessionRecord = {
  status: string;
  provider: string;
  failoverCount: number;
  closeReason: string;
  durationMs: number;
  transcript: Array<{ role: string; text: string }>;
};

/**
 * Realtime sessions end to end with a plain `ws` client: OpenAI (the simulator's `/v1`) and a
 * compatible server with a realtime model (the simulator's `/groq` mount, named `backup`), so a
 * refusing provider has another to fail over to.
 */
describe('realtime sessions (GET /v1/realtime)', () => {
  let stack: SimulatedStack;
  let apiKey: string;
  let receiver: WebhookReceiver;
  let dir: string;
  const url = (model = 'gpt-realtime') => `${stack.url.replace(/^http/, 'ws')}/v1/realtime?model=${model}`;
  const record = async (id: string) => (await stack.request(apiKey, 'GET', `/v1/realtime/sessions/${id}`)).body as unknown as SessionRecord;
  const ended = (id: string) =>
    eventually(async () => ((await record(id)).status === 'completed' ? record(id) : undefined), 10_000, `session ${id} to be recorded`);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'voxq-e2e-realtime-'));
    const file = join(dir, 'voxq.json');
    stack = await startSimulatedStack((sim) => {
      writeFileSync(
        file,
        JSON.stringify({ compatible: [{ name: 'backup', baseUrl: sim.baseUrlFor('groq'), model: 'llama3.2', realtimeModel: 'gpt-realtime' }] }),
      );
      return { VOXQ_CONFIG_FILE: file, PROVIDER_BREAKER_FAILURES: '100', REALTIME_MAX_SESSIONS_PER_TENANT: '2' };
    });
    const key = await stack.createKey('realtime-tenant');
    apiKey = key.apiKey;
    receiver = await startWebhookReceiver({ secret: key.webhookSecret });
    const endpoint = await stack.request(apiKey, 'POST', '/v1/webhooks', { url: receiver.url, events: ['session.completed'] });
    expect(endpoint.status).toBe(201);
    receiver.setSecret(endpoint.body['secret'] as string);
  });
  afterAll(async () => {
    await receiver?.close();
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('relays a text turn and an audio turn, closes cleanly, and records, meters and announces the session', async () => {
    const client = await RealtimeTestClient.open(url(), apiKey);
    const sessionId = client.headers['x-voxq-session-id'] as string;
    expect(sessionId).toMatch(/^rts_/);
    expect((await client.next('session.created'))['session']).toMatchObject({ type: 'realtime', model: 'gpt-realtime' });

    client.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello relay' }] } });
    await client.next('conversation.item.created');
    client.send({ type: 'response.create', response: { output_modalities: ['text'] } });
    await client.next('response.created');
    const done = await client.next('response.done');
    expect(done['response']).toMatchObject({ status: 'completed' });
    expect(
      client.events
        .filter((e) => e.type === 'response.output_text.delta')
        .map((e) => e['delta'])
        .join(''),
    ).toContain('hello relay');

    client.send({ type: 'input_audio_buffer.append', audio: AUDIO });
    client.send({ type: 'input_audio_buffer.commit' });
    await client.next('input_audio_buffer.committed');
    client.send({ type: 'response.create' });
    await client.next('response.done');
    expect(client.types()).toContain('response.output_audio.delta');
    expect(client.types()).toContain('response.output_audio_transcript.delta');
    expect(await client.close()).toMatchObject({ code: 1000 });

    const session = await ended(sessionId);
    expect(session).toMatchObject({ provider: 'openai', failoverCount: 0, closeReason: 'client_closed' });
    expect(session.durationMs).toBeGreaterThan(0);
    expect(session.transcript.map((t) => t.role)).toEqual(['user', 'assistant', 'assistant']);
    expect(session.transcript[0]!.text).toBe('hello relay');
    expect(session.transcript[1]!.text).toContain('hello relay');

    const webhook = await receiver.waitFor((w) => (w.body as { type?: string }).type === 'session.completed');
    expect(webhook.verified).toBe(true);
    expect(webhook.body).toMatchObject({ id: `evt_${sessionId}_completed`, data: { id: sessionId, status: 'completed', provider: 'openai' } });

    const usage = await stack.request(apiKey, 'GET', '/v1/usage');
    const lines = usage.body['breakdown'] as Array<{ type: string; provider: string; metric: string; quantity: number }>;
    expect(lines.find((l) => l.type === 'realtime' && l.metric === 'sessions')).toMatchObject({ provider: 'openai', quantity: 1 });
    expect(lines.find((l) => l.type === 'realtime' && l.metric === 'session_minutes')!.quantity).toBeGreaterThan(0);
  });

  it('lists the realtime models, and refuses before upgrading, in the usual envelope: no key, a bad key, no model, an unknown model, a plain GET', async () => {
    expect(await RealtimeTestClient.refused(url(), null)).toMatchObject({ status: 401, body: { error: { code: 'invalid_api_key' } } });
    expect((await RealtimeTestClient.refused(url(), 'sk-nope')).status).toBe(401);
    expect(await RealtimeTestClient.refused(`${stack.url.replace(/^http/, 'ws')}/v1/realtime`, apiKey)).toMatchObject({
      status: 400,
      body: { error: { param: 'model' } },
    });
    expect(await RealtimeTestClient.refused(url('gpt-nope'), apiKey)).toMatchObject({ status: 404, body: { error: { code: 'model_not_found' } } });
    const catalog = await stack.request(apiKey, 'GET', '/v1/models?recommended_for=realtime');
    expect(catalog.status).toBe(200);
    const models = catalog.body['data'] as Array<{ id: string; owned_by: string; capability: string }>;
    expect(models.every((m) => m.capability === 'realtime')).toBe(true);
    expect(models).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: 'gpt-realtime', owned_by: 'openai' }), expect.objectContaining({ owned_by: 'backup' })]),
    );
    const plain = await stack.request(apiKey, 'GET', '/v1/realtime?model=gpt-realtime');
    expect(plain.status).toBe(426);
    expect(stack.simulator.requests().filter((r) => r.path.endsWith('/realtime'))).toHaveLength(1);
  });

  it('holds a tenant to its concurrent sessions (429 over the limit) and frees the slot on close', async () => {
    const { apiKey: other } = await stack.createKey('realtime-busy-tenant');
    const open = [await RealtimeTestClient.open(url(), other), await RealtimeTestClient.open(url(), other)];
    expect(await RealtimeTestClient.refused(url(), other)).toMatchObject({ status: 429, body: { error: { code: 'too_many_sessions' } } });
    await open[0]!.close();
    const again = await eventually(() => RealtimeTestClient.open(url(), other).catch(() => undefined), 10_000, 'a free session slot');
    await Promise.all([open[1]!.close(), again.close()]);
  });

  it('fails over when a provider refuses before the session opens, and not once it is open', async () => {
    stack.simulator.enqueueFaults([{ status: 503 }], 'openai');
    const client = await RealtimeTestClient.open(url(), apiKey);
    const sessionId = client.headers['x-voxq-session-id'] as string;
    await client.next('session.created');
    await client.close();
    expect(await ended(sessionId)).toMatchObject({ provider: 'backup', failoverCount: 1 });

    // A socket dropped at the handshake, or garbage instead of session.created: the same.
    for (const fault of [{ reset: true as const }, { malformed: true as const }]) {
      stack.simulator.enqueueFaults([fault], 'openai');
      const next = await RealtimeTestClient.open(url(), apiKey);
      await next.next('session.created');
      await next.close();
      expect(await ended(next.headers['x-voxq-session-id'] as string)).toMatchObject({ provider: 'backup', failoverCount: 1 });
    }

    // Cut after the first delta: the client is told and closed; no other provider is tried.
    stack.simulator.enqueueFaults([{ cut: true }], 'openai');
    const cut = await RealtimeTestClient.open(url(), apiKey);
    await cut.next('session.created');
    cut.send({ type: 'response.create', response: { output_modalities: ['text'] } });
    expect((await cut.next('error'))['error']).toMatchObject({ code: 'upstream_error' });
    expect((await cut.closed).code).toBe(1011);
    expect(await ended(cut.headers['x-voxq-session-id'] as string)).toMatchObject({ provider: 'openai', closeReason: 'upstream_error' });
  });
});
