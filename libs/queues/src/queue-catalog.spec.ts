import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { InvalidJobDataError } from './invalid-job-data-error';
import { QUEUE_CATALOG, type PayloadOf } from './queue-catalog';
import type { BatchStep, FileExpiry } from './queue-payloads.schema';
import { parseQueuedJob, type CatalogJob } from './queue-worker';

/** The two fields `parseQueuedJob` reads of a BullMQ job; no queue needed to parse. */
const jobOf = (name: string, data: unknown) => ({ name, data }) as Job;

const toolCall = {
  jobId: 'job_1',
  tenantId: 'acme',
  hop: 1,
  toolCallId: 'call_1',
  name: 'weather',
  args: '{"city":"Oslo"}',
  source: { kind: 'webhook', url: 'https://tools.example.com/weather', timeoutMs: 5_000, responseMode: 'sync', asyncAck: 'ok' },
};

describe('QUEUE_CATALOG', () => {
  it('keeps the stored queue names', () => {
    expect(Object.values(QUEUE_CATALOG).map((q) => q.name)).toEqual(['transcribe', 'synthesize', 'complete', 'embed', 'image', 'webhooks', 'tools', 'batches']);
  });

  it('parses a job by its name and narrows its data', () => {
    const job = parseQueuedJob(QUEUE_CATALOG.batches, jobOf('expire-file', { tenantId: 'acme', fileId: 'file_1' }));
    expect(job.data).toEqual({ tenantId: 'acme', fileId: 'file_1' });
    if (job.name === 'expire-file') expectTypeOf(job.data).toEqualTypeOf<FileExpiry>();
    else expectTypeOf(job.data).toEqualTypeOf<BatchStep>();
    expectTypeOf<PayloadOf<typeof QUEUE_CATALOG.batches, 'run'>>().toEqualTypeOf<BatchStep>();
  });

  it('tolerates fields it does not know (a newer version queued them)', () => {
    const job = parseQueuedJob(QUEUE_CATALOG.tools, jobOf('tool-call', { ...toolCall, addedLater: true, source: { ...toolCall.source, alsoNew: 1 } }));
    expect(job.data).toMatchObject({ toolCallId: 'call_1', source: { url: toolCall.source.url } });
    const run = parseQueuedJob(QUEUE_CATALOG.batches, jobOf('run', { tenantId: 'acme', batchId: 'batch_1', priority: 3 }));
    expect(run.data).toMatchObject({ tenantId: 'acme', batchId: 'batch_1' });
  });

  it('parses an embed job, and refuses one past its bounds', () => {
    const queued = { tenantId: 'acme', createdAt: '2026-01-01T00:00:00.000Z', payload: { type: 'embed', input: { input: ['a', 'b'], dimensions: 8 } } };
    expect(parseQueuedJob(QUEUE_CATALOG.embed, jobOf('embed', queued)).data.payload).toMatchObject({
      type: 'embed',
      input: { input: ['a', 'b'], dimensions: 8 },
    });
    const tooMany = { ...queued, payload: { type: 'embed', input: { input: Array.from({ length: 2049 }, () => 'x') } } };
    expect(() => parseQueuedJob(QUEUE_CATALOG.embed, jobOf('embed', tooMany))).toThrow(/^invalid job data for embed\/embed: payload\.input\.input/);
  });

  it('rejects data that does not fit, unrecoverably and saying where', () => {
    const parse = () => parseQueuedJob(QUEUE_CATALOG.tools, jobOf('tool-call', { ...toolCall, hop: 0, source: { ...toolCall.source, url: 'ftp://x' } }));
    expect(parse).toThrow(InvalidJobDataError);
    expect(parse).toThrow(UnrecoverableError);
    expect(parse).toThrow(/^invalid job data for tools\/tool-call: hop: .*; source\.url: /);
  });

  it('rejects a job name its queue does not list', () => {
    expect(() => parseQueuedJob(QUEUE_CATALOG.batches, jobOf('validate', { tenantId: 'acme', batchId: 'b' }))).toThrow(
      "invalid job data for batches/validate: no job 'validate' on queue 'batches' (it knows run, expire-file)",
    );
    // Inherited names are not job names.
    expect(() => parseQueuedJob(QUEUE_CATALOG.batches, jobOf('toString', {}))).toThrow(InvalidJobDataError);
  });

  it('names every webhook delivery job after its event type', () => {
    expect(Object.keys(QUEUE_CATALOG.webhooks.jobs)).toEqual(
      expect.arrayContaining(['job.completed', 'job.failed', 'job.cancelled', 'batch.completed', 'batch.expired']),
    );
  });

  it('types handlers from the entry', () => {
    expectTypeOf<CatalogJob<typeof QUEUE_CATALOG.tools>['name']>().toEqualTypeOf<'tool-call'>();
    expectTypeOf<CatalogJob<typeof QUEUE_CATALOG.batches>['name']>().toEqualTypeOf<'run' | 'expire-file'>();
  });
});
