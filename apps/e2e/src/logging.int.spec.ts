import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startSimulatedStack, type SimulatedStack, jsonLogLines } from '@voxq/testing';

type Line = Record<string, unknown> & { msg: string };

/** At info, what a request and its job leave in the logs (issue 15, point 13). */
describe('logs at info: a line per request and per job transition, with the request id', () => {
  let stack: SimulatedStack;
  let key: string;
  const logs = jsonLogLines<Line>();
  const { lines } = logs;

  beforeAll(async () => {
    stack = await startSimulatedStack({ LOG_LEVEL: 'info' }, { logDestination: logs.destination });
    key = (await stack.createKey('logs-acme')).apiKey;
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('says each request (route, status, duration, request id) and each job attempt as it starts and ends', async () => {
    const res = await stack.request(key, 'POST', '/v1/jobs', { type: 'complete', input: { messages: [{ role: 'user', content: 'log me' }] } });
    expect(res.status).toBe(202);
    const requestId = res.headers.get('x-request-id')!;
    const jobId = res.body.id as string;
    await stack.waitForJob(key, jobId);
    const request = await eventually(() => lines.find((l) => l.msg === 'request' && l.reqId === requestId), 15_000, 'the request line');
    expect(request).toMatchObject({ level: 30, method: 'POST', route: '/v1/jobs', status: 202, ms: expect.any(Number), tenantId: 'logs-acme' });
    const job = await eventually(() => {
      const mine = lines.filter((l) => l.jobId === jobId);
      return mine.some((l) => l.msg === 'job attempt completed') ? mine : undefined;
    });
    expect(job.map((l) => l.msg)).toEqual(expect.arrayContaining(['job started', 'job attempt completed']));
    expect(job.find((l) => l.msg === 'job started')).toMatchObject({ level: 30, requestId, type: 'complete', attempt: 1 });
    expect(job.find((l) => l.msg === 'job attempt completed')).toMatchObject({ provider: 'openai', ms: expect.any(Number) });
    // Health probes stay out of it.
    await fetch(`${stack.url}/healthz`);
    expect(lines.some((l) => l.msg === 'request' && l.route === '/healthz')).toBe(false);
  });
});
