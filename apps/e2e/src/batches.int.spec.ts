import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedStack, type SimulatedStack } from '@voxq/testing';

type Batch = Awaited<ReturnType<OpenAI['batches']['retrieve']>>;

const line = (customId: string, content: string, extra: object = {}) =>
  JSON.stringify({
    custom_id: customId,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content }] },
    ...extra,
  });

const jsonl = (lines: string[], name = 'batch.jsonl') => new File([`${lines.join('\n')}\n`], name, { type: 'application/jsonl' });

/** OpenAI's Files + Batch APIs through the official SDK. */
describe('OpenAI batches', () => {
  let stack: SimulatedStack;
  let client: OpenAI;

  beforeAll(async () => {
    stack = await startSimulatedStack();
    const { apiKey } = await stack.createKey('batch-tenant');
    client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey, maxRetries: 0 });
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function settle(id: string, timeoutMs = 25_000): Promise<Batch> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const batch = await client.batches.retrieve(id);
      if (['completed', 'failed', 'cancelled', 'expired'].includes(batch.status)) return batch;
      if (Date.now() > deadline) throw new Error(`batch ${id} still ${batch.status}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('uploads, reads and deletes a batch file', async () => {
    const file = await client.files.create({ file: jsonl([line('a', 'hi')], 'in.jsonl'), purpose: 'batch' });
    expect(file).toMatchObject({ id: expect.stringMatching(/^file-/), object: 'file', filename: 'in.jsonl', purpose: 'batch' });
    expect(file.bytes).toBe(Buffer.byteLength(`${line('a', 'hi')}\n`));
    expect(await client.files.retrieve(file.id)).toMatchObject({ id: file.id, bytes: file.bytes });
    expect(await (await client.files.content(file.id)).text()).toBe(`${line('a', 'hi')}\n`);
    expect(await client.files.delete(file.id)).toMatchObject({ id: file.id, deleted: true });
    await expect(client.files.retrieve(file.id)).rejects.toMatchObject({ status: 404 });
  });

  it('runs a batch of chat completions to an output file', async () => {
    const file = await client.files.create({ file: jsonl([line('q1', 'one'), line('q2', 'two'), line('q3', 'three')]), purpose: 'batch' });
    const created = await client.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
      metadata: { run: 'e2e' },
    });
    expect(created).toMatchObject({ object: 'batch', status: 'validating', input_file_id: file.id, metadata: { run: 'e2e' } });
    const batch = await settle(created.id);
    expect(batch).toMatchObject({ status: 'completed', request_counts: { total: 3, completed: 3, failed: 0 }, error_file_id: null });
    expect(batch.in_progress_at).toBeGreaterThan(0);
    expect(batch.completed_at).toBeGreaterThan(0);
    const out = (await (await client.files.content(batch.output_file_id!)).text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out.map((o) => o.custom_id).sort()).toEqual(['q1', 'q2', 'q3']);
    for (const o of out) {
      expect(o).toMatchObject({
        response: { status_code: 200, body: { object: 'chat.completion', choices: [{ message: { role: 'assistant' } }] } },
        error: null,
      });
    }
    expect(out.find((o) => o.custom_id === 'q2').response.body.choices[0].message.content).toBe('Simulated reply to: two');
    const list = await client.batches.list({ limit: 10 });
    expect(list.data.map((b) => b.id)).toContain(batch.id);
  });

  it('fails validation naming the bad lines', async () => {
    const file = await client.files.create({
      file: jsonl([line('ok', 'fine'), '{not json', line('ok', 'dup'), line('u', 'x', { url: '/v1/embeddings' })]),
      purpose: 'batch',
    });
    const batch = await settle((await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id);
    expect(batch.status).toBe('failed');
    expect(batch.errors?.data).toEqual([
      expect.objectContaining({ code: 'invalid_json_line', line: 2 }),
      expect.objectContaining({ code: 'duplicate_custom_id', line: 3 }),
      expect.objectContaining({ code: 'mismatched_endpoint', line: 4 }),
    ]);
  });

  it('refuses endpoints it does not serve', async () => {
    const file = await client.files.create({ file: jsonl([line('a', 'hi')]), purpose: 'batch' });
    await expect(client.batches.create({ input_file_id: file.id, endpoint: '/v1/moderations' as never, completion_window: '24h' })).rejects.toMatchObject({
      status: 400,
    });
  });

  it('completes a 1,000-line batch', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => line(`req-${i}`, `n${i}`));
    const file = await client.files.create({ file: jsonl(lines), purpose: 'batch' });
    const started = Date.now();
    const batch = await settle(
      (await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id,
      28_000,
    );
    expect(batch).toMatchObject({ status: 'completed', request_counts: { total: 1000, completed: 1000, failed: 0 } });
    const out = (await (await client.files.content(batch.output_file_id!)).text()).trim().split('\n');
    expect(new Set(out.map((l) => JSON.parse(l).custom_id)).size).toBe(1000);
    console.log(`1000-line batch: ${Date.now() - started} ms`);
  }, 30_000);
});
