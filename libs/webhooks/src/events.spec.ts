import { describe, expect, it } from 'vitest';
import { buildJobEvent, deliveryJobId, webhookDeliverySchema } from './events';
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
