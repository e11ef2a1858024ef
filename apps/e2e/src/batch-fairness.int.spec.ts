import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startSimulatedStack, type SimulatedStack } from '@voxq/testing';

const LINES = 10_000;
const PROBES = 20;

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;

/**
 * One tenant's 10,000-line batch must not starve another tenant's single jobs: batch lines
 * queue behind every job without a priority, so a single job waits for a free worker slot,
 * not for the batch. Latencies are printed for the record, never asserted (timings vary);
 * what is asserted is the order: the single jobs finish while the batch is still running.
 */
describe('batch fairness', () => {
  let stack: SimulatedStack;
  let batchClient: OpenAI;
  let single: string;

  beforeAll(async () => {
    stack = await startSimulatedStack();
    stack.simulator.setLatency({ latencyMs: 20 });
    batchClient = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: (await stack.createKey('big-batch')).apiKey, maxRetries: 0 });
    single = (await stack.createKey('interactive')).apiKey;
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function probe(): Promise<number> {
    const started = Date.now();
    const res = await stack.request(single, 'POST', '/v1/jobs', { type: 'complete', input: { messages: [{ role: 'user', content: 'quick' }] } });
    expect(res.status).toBe(202);
    const job = await stack.waitForJob(single, res.body['id'] as string);
    expect(job['status']).toBe('completed');
    return Date.now() - started;
  }

  it(`keeps another tenant's single jobs fast while a ${LINES.toLocaleString('en')}-line batch runs`, async () => {
    const baseline: number[] = [];
    for (let i = 0; i < PROBES; i++) baseline.push(await probe());

    const lines = Array.from({ length: LINES }, (_, i) =>
      JSON.stringify({
        custom_id: `r${i}`,
        method: 'POST',
        url: '/v1/chat/completions',
        body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `line ${i}` }] },
      }),
    );
    const file = await batchClient.files.create({ file: new File([`${lines.join('\n')}\n`], 'big.jsonl'), purpose: 'batch' });
    const started = Date.now();
    const { id } = await batchClient.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    // Probe once the batch's jobs are flowing and thousands are still queued ahead.
    await eventually(
      async () => {
        const b = await batchClient.batches.retrieve(id);
        return (b.request_counts?.completed ?? 0) > 200 || undefined;
      },
      60_000,
      'the batch to be running',
    );

    const during: number[] = [];
    const atFirstProbe = await batchClient.batches.retrieve(id);
    for (let i = 0; i < PROBES; i++) during.push(await probe());
    const atLastProbe = await batchClient.batches.retrieve(id);
    expect(atLastProbe.status).toBe('in_progress');
    expect(atLastProbe.request_counts!.completed).toBeLessThan(LINES);

    const batch = await eventually(
      async () => {
        const b = await batchClient.batches.retrieve(id);
        return b.status === 'completed' ? b : undefined;
      },
      150_000,
      'the batch to complete',
    );
    const seconds = (Date.now() - started) / 1000;
    expect(batch.request_counts).toEqual({ total: LINES, completed: LINES, failed: 0 });
    const out = (await (await batchClient.files.content(batch.output_file_id!)).text()).trim().split('\n');
    expect(out).toHaveLength(LINES);
    const ids = new Set(out.map((l) => (JSON.parse(l) as { custom_id: string }).custom_id));
    expect(ids.size).toBe(LINES);

    console.log(
      `[fairness] ${LINES}-line batch: ${seconds.toFixed(1)} s (${Math.round(LINES / seconds)} lines/s); ` +
        `other tenant's single job, submit→completed: before the batch p50 ${percentile(baseline, 50)} ms / max ${Math.max(...baseline)} ms; ` +
        `during it p50 ${percentile(during, 50)} ms / max ${Math.max(...during)} ms (ratio p50 ${(percentile(during, 50) / percentile(baseline, 50)).toFixed(2)}); ` +
        `batch ${atLastProbe.request_counts!.completed}/${LINES} done at the last probe; ` +
        `without priorities each probe would have queued behind the ${LINES - atFirstProbe.request_counts!.completed} lines still open at the first ` +
        `(≈ ${((LINES - atFirstProbe.request_counts!.completed) / (LINES / seconds)).toFixed(1)} s at the batch's rate)`,
    );
  }, 240_000);
});
