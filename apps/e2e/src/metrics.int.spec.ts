import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupPrefix,
  eventually,
  startSimulatedStack,
  startStack,
  startWebhookReceiver,
  testConfig,
  type SimulatedStack,
  type WebhookReceiver,
  jsonLogLines,
} from '@voxq/testing';

const complete = (content: string, extra: Record<string, unknown> = {}) => ({ type: 'complete', input: { messages: [{ role: 'user', content }] }, ...extra });

type Labels = Record<string, string>;

/** The Prometheus text as samples: `name`, its labels, its value. */
function parseMetrics(text: string): Array<{ name: string; labels: Labels; value: number }> {
  return text.split('\n').flatMap((line) => {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) return [];
    const labels: Labels = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = value!;
    return [{ name: match[1]!, labels, value: Number(match[3]) }];
  });
}

/** The sum of every series of `name` carrying `labels` (and any others). */
function total(text: string, name: string, labels: Labels = {}): number {
  return parseMetrics(text)
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

describe('metrics and request ids', () => {
  let stack: SimulatedStack;
  let receiver: WebhookReceiver;
  let key: string;
  const logs = jsonLogLines();
  const { lines } = logs;

  const scrape = async () => {
    const res = await fetch(`${stack.url}/metrics`);
    expect(res.status).toBe(200);
    return res.text();
  };
  const run = async (body: unknown, headers: Record<string, string> = {}) => {
    const submitted = await stack.request(key, 'POST', '/v1/jobs', body, headers);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    return stack.waitForJob(key, submitted.body.id as string);
  };

  beforeAll(async () => {
    stack = await startSimulatedStack({ LOG_LEVEL: 'info', API_RATE_LIMIT_PER_SECOND: '0' }, { logDestination: logs.destination });
    const created = await stack.createKey('metrics-acme');
    key = created.apiKey;
    receiver = await startWebhookReceiver({ secret: created.webhookSecret });
  });
  afterAll(async () => {
    await receiver?.close();
    await stack?.close();
  });

  it('serves Prometheus text at /metrics without an API key, with Node metrics labelled by service', async () => {
    const res = await fetch(`${stack.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(/^process_resident_memory_bytes\{service="api"\} \d+/m);
    for (const name of [
      'voxq_job_attempts_total',
      'voxq_provider_errors_total',
      'voxq_webhook_attempts_total',
      'voxq_queue_jobs',
      'voxq_http_request_duration_seconds',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it('counts jobs, provider errors and webhook deliveries where they happen', async () => {
    const before = await scrape();
    const done = await run(complete('counted', { webhook: { url: receiver.url } }));
    expect(done.status).toBe('completed');
    stack.simulator.enqueueFaults([{ status: 400, message: 'messages: bad shape' }], 'openai');
    const failed = await run(complete('rejected'));
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'provider_rejected_input' } });
    await receiver.waitFor((w) => (w.body as { data?: { id?: string } }).data?.id === done.id, 15_000);

    // The dispatcher counts an attempt once the receiver's answer is in: poll past the 1 s-cached queue read.
    const after = await eventually(async () => {
      const text = await scrape();
      return total(text, 'voxq_webhook_attempts_total', { outcome: 'delivered' }) > total(before, 'voxq_webhook_attempts_total', { outcome: 'delivered' })
        ? text
        : undefined;
    });
    const moved = (name: string, labels: Labels) => total(after, name, labels) - total(before, name, labels);
    expect(moved('voxq_job_attempts_total', { type: 'complete', provider: 'openai', outcome: 'completed' })).toBe(1);
    expect(moved('voxq_job_attempts_total', { type: 'complete', provider: 'none', outcome: 'failed' })).toBe(1);
    expect(moved('voxq_job_duration_seconds_count', { type: 'complete', outcome: 'completed' })).toBe(1);
    expect(moved('voxq_job_duration_seconds_count', { type: 'complete', outcome: 'failed' })).toBe(1);
    expect(moved('voxq_provider_errors_total', { capability: 'llm', provider: 'openai', code: 'provider_rejected_input' })).toBe(1);
    expect(moved('voxq_webhook_attempts_total', { outcome: 'delivered', status_class: '2xx' })).toBe(1);
    expect(moved('voxq_webhook_delivery_duration_seconds_count', { status_class: '2xx' })).toBe(1);

    // Routes are labelled by their pattern: never a job id.
    expect(total(after, 'voxq_http_request_duration_seconds_count', { method: 'GET', route: '/v1/jobs/:id', status_class: '2xx' })).toBeGreaterThan(0);
    expect(total(after, 'voxq_http_request_duration_seconds_count', { method: 'POST', route: '/v1/jobs', status_class: '2xx' })).toBeGreaterThan(0);
    expect(after).not.toContain(done.id as string);
    expect(after).not.toContain('metrics-acme');
  });

  it("carries the request id into the worker's and the dispatcher's log lines for the job", async () => {
    const requestId = `req-metrics-${Date.now()}`;
    stack.simulator.enqueueFaults([{ status: 400, message: 'messages: bad shape' }], 'openai');
    const failed = await run(complete('traced', { webhook: { url: receiver.url } }), { 'x-request-id': requestId });
    expect(failed.status).toBe('failed');
    const jobId = failed.id as string;
    await receiver.waitFor((w) => (w.body as { data?: { id?: string } }).data?.id === jobId, 15_000);
    const worker = await eventually(() => lines.find((l) => l.msg === 'job attempt failed' && l.jobId === jobId));
    expect(worker).toMatchObject({ requestId, jobId, tenantId: 'metrics-acme' });
    const dispatcher = await eventually(() => lines.find((l) => l.msg === 'webhook delivered' && l.jobId === jobId));
    expect(dispatcher).toMatchObject({ requestId, jobId });
    // The job's view does not show it: it is for the operator's logs only.
    expect(JSON.stringify(failed)).not.toContain(requestId);
  });

  it('shows waiting jobs in the queue gauges while no worker runs', async () => {
    await stack.stopWorker();
    for (const content of ['waits 1', 'waits 2']) {
      expect((await stack.request(key, 'POST', '/v1/jobs', complete(content))).status).toBe(202);
    }
    await new Promise((r) => setTimeout(r, 50));
    const text = await eventually(async () => {
      const scraped = await scrape();
      return total(scraped, 'voxq_queue_jobs', { queue: 'complete', state: 'waiting' }) === 2 ? scraped : undefined;
    });
    expect(total(text, 'voxq_queue_jobs', { queue: 'complete', state: 'active' })).toBe(0);
    expect(total(text, 'voxq_queue_oldest_waiting_age_seconds', { queue: 'complete' })).toBeGreaterThan(0);
    expect(total(text, 'voxq_queue_jobs', { queue: 'transcribe', state: 'waiting' })).toBe(0);
  });
});

describe('METRICS_TOKEN', () => {
  it("keeps the api's /metrics behind the bearer token", async () => {
    const token = 'scrape-token-0123456789';
    const stack = await startStack(testConfig({ METRICS_TOKEN: token }), { worker: false, dispatcher: false });
    try {
      const refused = await fetch(`${stack.url}/metrics`);
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ error: { type: 'authentication_error', code: 'invalid_metrics_token' } });
      expect((await fetch(`${stack.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
      const allowed = await fetch(`${stack.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toContain('# TYPE voxq_queue_jobs gauge');
      // The health probes stay open.
      expect((await fetch(`${stack.url}/healthz`)).status).toBe(200);
    } finally {
      await stack.close();
      await cleanupPrefix(stack.config);
    }
  });
});
