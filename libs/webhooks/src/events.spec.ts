import { describe, expect, it } from 'vitest';
import { webhookEventSchema, type RealtimeSessionView } from '@voxq/contracts';
import { isAppError } from '@voxq/errors';
import { batchObjectFixture as batch } from './batch-object.fixture';
import { buildBatchEvent, buildJobEvent, buildSessionEvent, deliveryJobId, webhookDeliverySchema } from './events';
import { jobViewFixture as jobView } from './job-view.fixture';

describe('buildJobEvent', () => {
  it('derives the event id from the job and the event type', () => {
    expect(buildJobEvent('job.completed', jobView()).id).toBe('evt_job_01_completed');
    expect(buildJobEvent('job.failed', jobView()).id).toBe('evt_job_01_failed');
    expect(buildJobEvent('job.cancelled', jobView()).id).toBe('evt_job_01_cancelled');
  });

  it('builds the same event when asked again for the same job', () => {
    const first = buildJobEvent('job.completed', jobView());
    const again = buildJobEvent('job.completed', jobView());
    expect(again).toEqual(first);
    expect(first.timestamp).toBe('2025-01-01T00:00:02.000Z');
    expect(first.data.id).toBe('job_01');
  });
});

describe('buildBatchEvent', () => {
  const finished = {
    completed: batch(),
    failed: batch({ status: 'failed', in_progress_at: null, finalizing_at: null, completed_at: null, failed_at: 1_735_689_601, output_file_id: null }),
    cancelled: batch({ status: 'cancelled', completed_at: null, cancelling_at: 1_735_689_630, cancelled_at: 1_735_689_640 }),
    expired: batch({ status: 'expired', completed_at: null, expired_at: 1_735_776_001 }),
  } as const;

  it('names the event after the final status, as OpenAI does', () => {
    expect(buildBatchEvent(finished.completed)).toMatchObject({ id: 'evt_batch_01_completed', type: 'batch.completed' });
    expect(buildBatchEvent(finished.failed)).toMatchObject({ id: 'evt_batch_01_failed', type: 'batch.failed' });
    expect(buildBatchEvent(finished.cancelled)).toMatchObject({ id: 'evt_batch_01_cancelled', type: 'batch.cancelled' });
    expect(buildBatchEvent(finished.expired)).toMatchObject({ id: 'evt_batch_01_expired', type: 'batch.expired' });
  });

  it("takes the timestamp from the status's *_at, so building it again gives the same event", () => {
    expect(buildBatchEvent(finished.completed).timestamp).toBe('2025-01-01T00:01:02.000Z');
    expect(buildBatchEvent(finished.failed).timestamp).toBe('2025-01-01T00:00:01.000Z');
    expect(buildBatchEvent(finished.cancelled).timestamp).toBe('2025-01-01T00:00:40.000Z');
    expect(buildBatchEvent(finished.expired).timestamp).toBe('2025-01-02T00:00:01.000Z');
    expect(buildBatchEvent(batch())).toEqual(buildBatchEvent(batch()));
  });

  it('carries the batch object as data, and is a valid webhook event', () => {
    const event = buildBatchEvent(finished.cancelled);
    expect(event.data).toEqual(finished.cancelled);
    expect(webhookEventSchema.parse(JSON.parse(JSON.stringify(event)))).toEqual(event);
  });

  it('refuses a batch that has not finished, or lacks the time it did', () => {
    for (const status of ['validating', 'in_progress', 'finalizing', 'cancelling'] as const) {
      const error = (() => {
        try {
          buildBatchEvent(batch({ status }));
        } catch (e) {
          return e;
        }
      })();
      expect(isAppError(error) && error.code).toBe('internal_error');
    }
    expect(() => buildBatchEvent(batch({ completed_at: null }))).toThrow(/has no completed_at/);
  });
});

const session = (over: Partial<RealtimeSessionView> = {}): RealtimeSessionView => ({
  id: 'rts_01',
  object: 'realtime.session',
  status: 'completed',
  provider: 'openai',
  model: 'gpt-realtime',
  failoverCount: 0,
  startedAt: '2025-01-01T00:00:00.000Z',
  endedAt: '2025-01-01T00:01:00.000Z',
  durationMs: 60_000,
  closeReason: 'client_closed',
  transcript: [{ role: 'user', text: 'hi', at: '2025-01-01T00:00:01.000Z' }],
  transcriptTruncated: false,
  usage: { responses: 1, inputTokens: 1, outputTokens: 2 },
  ...over,
});

describe('buildSessionEvent', () => {
  it('derives the event from the ended session alone, and it parses as a webhook event', () => {
    const event = buildSessionEvent(session());
    expect(event).toMatchObject({ id: 'evt_rts_01_completed', type: 'session.completed', timestamp: '2025-01-01T00:01:00.000Z' });
    expect(buildSessionEvent(session())).toEqual(event);
    expect(webhookEventSchema.parse(JSON.parse(JSON.stringify(event)))).toEqual(event);
    expect(webhookEventSchema.safeParse({ ...event, data: jobView() }).success).toBe(false);
  });

  it('has none for a session still open', () => {
    expect(() => buildSessionEvent(session({ status: 'active', endedAt: null }))).toThrow(/still open/);
  });
});

describe('webhookEventSchema', () => {
  it('pairs each type with its data: a job event cannot carry a batch, nor the reverse', () => {
    const jobEvent = buildJobEvent('job.completed', jobView());
    const batchEvent = buildBatchEvent(batch());
    expect(webhookEventSchema.safeParse({ ...jobEvent, data: batch() }).success).toBe(false);
    expect(webhookEventSchema.safeParse({ ...batchEvent, data: jobView() }).success).toBe(false);
    expect(webhookEventSchema.safeParse({ ...batchEvent, type: 'batch.unknown' }).success).toBe(false);
  });
});

describe('deliveryJobId', () => {
  const event = buildJobEvent('job.completed', jobView());

  it('is stable per (event, url) and differs across urls', () => {
    const id = deliveryJobId({ event, url: 'https://a.example/hook' });
    expect(deliveryJobId({ event, url: 'https://a.example/hook' })).toBe(id);
    expect(deliveryJobId({ event, url: 'https://b.example/hook' })).not.toBe(id);
    expect(id).toMatch(/^evt_job_01_completed\.[0-9a-f]{16}$/);
  });

  it('never contains the ":" BullMQ refuses in custom ids', () => {
    const odd = buildJobEvent('job.failed', jobView({ id: 'tenant:job:1' }));
    expect(deliveryJobId({ event: odd, url: 'https://a.example/?token=x' })).not.toContain(':');
  });
});

describe('webhookDeliverySchema', () => {
  it('refuses data that is not a delivery', () => {
    expect(webhookDeliverySchema.safeParse({ tenantId: 't', url: 'ftp://x', event: {} }).success).toBe(false);
  });
});
