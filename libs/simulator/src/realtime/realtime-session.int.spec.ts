import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RealtimeTestClient } from '@voxq/testing';
import { startSimulator, type Simulator } from '../simulator-server';
import { INVALID_KEY } from '../vendor';

/** 200 ms of 24 kHz PCM16 silence, base64: more than the 100 ms a commit needs. */
const AUDIO = Buffer.alloc(24_000 * 2 * 0.2).toString('base64');

describe('simulator: OpenAI realtime sessions', () => {
  let sim: Simulator;
  const url = (model = 'gpt-realtime') => `${sim.baseUrl.replace(/^http/, 'ws')}/realtime?model=${model}`;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  beforeEach(() => sim.reset());
  afterAll(() => sim.close());

  it('opens with session.created, updates the session, and answers a text turn with paced deltas and usage', async () => {
    const client = await RealtimeTestClient.open(url(), 'sk-test');
    const created = await client.next('session.created');
    expect(created['session']).toMatchObject({ type: 'realtime', model: 'gpt-realtime', output_modalities: ['audio'] });

    client.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['text'], instructions: 'Be brief.' } });
    expect((await client.next('session.updated'))['session']).toMatchObject({ output_modalities: ['text'], instructions: 'Be brief.' });

    client.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello there' }] } });
    expect((await client.next('conversation.item.created'))['item']).toMatchObject({ role: 'user', status: 'completed' });
    client.send({ type: 'response.create' });
    const response = await client.next('response.created');
    const done = await client.next('response.done');
    const deltas = client.events.filter((e) => e.type === 'response.output_text.delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((d) => d['delta']).join('')).toContain('hello there');
    expect(done['response']).toMatchObject({ id: (response['response'] as { id: string }).id, status: 'completed' });
    expect((done['response'] as { usage: { output_tokens: number } }).usage.output_tokens).toBeGreaterThan(0);
    expect(await client.close()).toMatchObject({ code: 1000 });
  });

  it('takes audio in (append, commit) and answers with PCM16 audio deltas and their transcript', async () => {
    const client = await RealtimeTestClient.open(url(), 'sk-test');
    await client.next('session.created');
    client.send({ type: 'input_audio_buffer.append', audio: AUDIO });
    client.send({ type: 'input_audio_buffer.commit' });
    const committed = await client.next('input_audio_buffer.committed');
    expect(committed['item_id']).toMatch(/^item_/);
    client.send({ type: 'response.create' });
    await client.next('response.done');
    const audio = client.events.filter((e) => e.type === 'response.output_audio.delta');
    const transcript = client.events.filter((e) => e.type === 'response.output_audio_transcript.delta');
    expect(audio.length).toBeGreaterThan(0);
    expect(transcript.map((t) => t['delta']).join('')).toContain('200 ms of audio');
    // PCM16: whole samples.
    expect(Buffer.from(audio[0]!['delta'] as string, 'base64').length % 2).toBe(0);
    await client.close();
  });

  it('answers bad events with error events and keeps the session', async () => {
    const client = await RealtimeTestClient.open(url(), 'sk-test');
    await client.next('session.created');
    client.socket.send('not json');
    expect((await client.next('error'))['error']).toMatchObject({ code: 'invalid_json' });
    client.send({ type: 'session.explode', event_id: 'evt_1' });
    expect((await client.next('error'))['error']).toMatchObject({ code: 'invalid_value', param: 'type', event_id: 'evt_1' });
    client.send({ type: 'input_audio_buffer.commit' });
    expect((await client.next('error'))['error']).toMatchObject({ code: 'input_audio_buffer_commit_empty' });
    client.send({ type: 'response.create' });
    client.send({ type: 'response.create' });
    expect((await client.next('error'))['error']).toMatchObject({ code: 'conversation_already_has_active_response' });
    await client.next('response.done');
    await client.close();
  });

  it('refuses a bad key or a missing model with the vendor error envelope, before upgrading', async () => {
    expect(await RealtimeTestClient.refused(url(), INVALID_KEY)).toMatchObject({ status: 401, body: { error: { code: 'invalid_api_key' } } });
    expect((await RealtimeTestClient.refused(`${sim.baseUrl.replace(/^http/, 'ws')}/realtime`, 'sk-test')).status).toBe(400);
  });

  it('applies the vendor queued faults to handshakes', async () => {
    sim.enqueueFaults([{ status: 503 }, { malformed: true }, { cut: true }]);
    expect((await RealtimeTestClient.refused(url(), 'sk-test')).status).toBe(503);

    const malformed = await RealtimeTestClient.open(url(), 'sk-test');
    expect((await malformed.closed).code).toBe(1011);
    expect(malformed.types()).toEqual(['not-json']);

    const cut = await RealtimeTestClient.open(url(), 'sk-test');
    await cut.next('session.created');
    cut.send({ type: 'response.create', response: { output_modalities: ['text'] } });
    expect((await cut.closed).code).toBe(1006);
    expect(sim.requests('openai').filter((r) => r.path === '/v1/realtime')).toHaveLength(3);
  });
});
