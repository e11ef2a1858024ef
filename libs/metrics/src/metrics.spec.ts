import { createServer } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import type { Logger } from '@voxq/logging';
// Through the index, as the apps import it: every metric is registered.
import { metricsRegistry, scrapeAllowed, startMetricsServer, statusClass, watchQueues, type CountedQueue } from './index';

const logger = { info: vi.fn(), error: vi.fn() } as unknown as Logger;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A queue as BullMQ answers: counts by state, and its oldest waiting job. */
function fakeQueue(name: string, counts: Record<string, number>, oldestAt: number | null): CountedQueue & { reads: number } {
  const queue = {
    name,
    reads: 0,
    async getJobCounts() {
      queue.reads += 1;
      return counts;
    },
    async getJobs() {
      return oldestAt === null ? [] : [{ timestamp: oldestAt }];
    },
  };
  return queue;
}

describe('statusClass', () => {
  it('names the class, never the code', () => {
    expect([200, 204, 301, 404, 429, 503].map(statusClass)).toEqual(['2xx', '2xx', '3xx', '4xx', '4xx', '5xx']);
    expect([null, undefined, 0, 999].map(statusClass)).toEqual(['none', 'none', 'none', 'none']);
  });
});

describe('scrapeAllowed', () => {
  it('lets every scrape in without a token', () => {
    expect(scrapeAllowed(undefined, undefined)).toBe(true);
  });

  it('wants the bearer token when one is set', () => {
    const token = 'metrics-token-0123456789';
    expect(scrapeAllowed(`Bearer ${token}`, token)).toBe(true);
    expect(scrapeAllowed(`bearer ${token}`, token)).toBe(true);
    expect(scrapeAllowed(undefined, token)).toBe(false);
    expect(scrapeAllowed(`Bearer ${token}x`, token)).toBe(false);
    expect(scrapeAllowed(token, token)).toBe(false);
  });
});

describe('queue depth gauges', () => {
  it('report each state and the oldest waiting job, reading each queue once per scrape', async () => {
    const busy = fakeQueue('complete', { waiting: 3, active: 2, delayed: 1, prioritized: 4, failed: 5 }, Date.now() - 30_000);
    const idle = fakeQueue('webhooks', { waiting: 0, active: 0, delayed: 0, prioritized: 0, failed: 0 }, null);
    const unwatch = watchQueues([busy, idle]);
    try {
      const jobs = await metricsRegistry.getSingleMetric('voxq_queue_jobs')!.get();
      const value = (queue: string, state: string) => jobs.values.find((v) => v.labels.queue === queue && v.labels.state === state)?.value;
      expect([
        value('complete', 'waiting'),
        value('complete', 'active'),
        value('complete', 'delayed'),
        value('complete', 'prioritized'),
        value('complete', 'failed'),
      ]).toEqual([3, 2, 1, 4, 5]);
      expect(value('webhooks', 'waiting')).toBe(0);
      const ages = await metricsRegistry.getSingleMetric('voxq_queue_oldest_waiting_age_seconds')!.get();
      const age = (queue: string) => ages.values.find((v) => v.labels.queue === queue)?.value;
      expect(age('complete')).toBeGreaterThanOrEqual(30);
      expect(age('complete')).toBeLessThan(40);
      expect(age('webhooks')).toBe(0);
      // Both gauges came from one read of each queue.
      expect(busy.reads).toBe(1);
    } finally {
      unwatch();
    }
    // Unwatched queues are no longer reported.
    const after = await metricsRegistry.getSingleMetric('voxq_queue_jobs')!.get();
    expect(after.values).toEqual([]);
  });

  it('leave the queues out, not the scrape, when Redis fails', async () => {
    const broken: CountedQueue = { name: 'transcribe', getJobCounts: () => Promise.reject(new Error('Connection is closed.')), getJobs: async () => [] };
    const unwatch = watchQueues([broken]);
    try {
      const text = await metricsRegistry.metrics();
      expect(text).toContain('# TYPE voxq_queue_jobs gauge');
      expect(text).not.toContain('queue="transcribe"');
    } finally {
      unwatch();
    }
  });
});

describe('startMetricsServer', () => {
  it('is off on port 0', async () => {
    const server = await startMetricsServer({ service: 'worker', host: '127.0.0.1', port: 0, logger });
    expect(server.url).toBeNull();
    await server.close();
  });

  it('serves Prometheus text on /metrics, behind the token when one is set', async () => {
    const token = 'metrics-token-0123456789';
    const server = await startMetricsServer({ service: 'worker', host: '127.0.0.1', port: await freePort(), token, logger });
    try {
      expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
      const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      const text = await res.text();
      expect(text).toMatch(/^process_cpu_user_seconds_total\{service="worker"\} /m);
      expect(text).toContain('# TYPE voxq_job_attempts_total counter');
      expect((await fetch(`${server.url}/other`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
