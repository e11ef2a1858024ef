import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '@voxq/auth';
import { createCommandConnection } from '@voxq/queues';
import { eventually, parseSseEvents, startSimulatedStack, type SimulatedStack } from '@voxq/testing';

/** An event stream opened before its key was revoked closes within the revocation window (issue 15, point 5). */
describe('streams of a revoked key', () => {
  let stack: SimulatedStack;
  let keys: ApiKeyStore;
  let redis: ReturnType<typeof createCommandConnection>;

  beforeAll(async () => {
    stack = await startSimulatedStack();
    redis = createCommandConnection(stack.config.redis);
    keys = new ApiKeyStore(redis, stack.config.redis.prefix);
  });
  afterAll(async () => {
    await stack?.close();
    redis?.disconnect();
  });

  /** Reads the stream until it ends; the text so far is in `read()`. */
  function follow(res: Response) {
    let text = '';
    let ended = false;
    void (async () => {
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      ended = true;
    })();
    return { read: () => text, ended: () => ended };
  }

  it.each([
    ['GET /v1/jobs/:id/events', 'events'],
    ['POST /v1/complete as events', 'speko'],
  ])(
    '%s: closed with an error event once the key is revoked, while the job still runs',
    async (_name, kind) => {
      const created = await keys.create(`revoked-${kind}`);
      // A provider that takes its time: the job is still running when the key goes.
      stack.simulator.setLatency({ latencyMs: 60_000 });
      const auth = { authorization: `Bearer ${created.apiKey}` };
      let res: Response;
      if (kind === 'events') {
        const job = await stack.request(created.apiKey, 'POST', '/v1/jobs', { type: 'complete', input: { messages: [{ role: 'user', content: 'slow' }] } });
        res = await fetch(`${stack.url}/v1/jobs/${job.body.id as string}/events`, { headers: auth });
      } else {
        res = await fetch(`${stack.url}/v1/complete`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json', accept: 'text/event-stream' },
          body: JSON.stringify({ messages: [{ role: 'user', content: 'slow' }] }),
        });
      }
      expect(res.status).toBe(200);
      const stream = follow(res);
      await keys.revoke(created.keyId);
      await eventually(() => (stream.ended() ? true : undefined), 20_000, 'the stream to close');
      const last = parseSseEvents(stream.read()).at(-1)!;
      expect(last.event).toBe('error');
      expect(last.data).toContain('revoked');
      stack.simulator.reset();
    },
    40_000,
  );
});
