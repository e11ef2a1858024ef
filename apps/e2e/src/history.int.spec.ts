import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisConnection } from '@voxq/queues';
import { KeyShards, type RedisClient } from '@voxq/redis-keys';
import { eventually, scanKeys, sineWav, startSimulatedStack, testPostgres, type SimulatedStack, type TestPostgres } from '@voxq/testing';

/**
 * The history tier end to end (issue 19): with POSTGRES_URL set, finished jobs move from Redis
 * to Postgres once their hot window (1 s here) is over, and the API reads them the same.
 */
describe('job history in Postgres', () => {
  let pg: TestPostgres;
  let stack: SimulatedStack;
  let redis: RedisClient;
  let acme: string;
  let globex: string;

  beforeAll(async () => {
    pg = await testPostgres();
    stack = await startSimulatedStack({ POSTGRES_URL: pg.url, POSTGRES_POOL_MAX: '4', JOB_HOT_SECONDS: '1' });
    redis = createRedisConnection(stack.config.redis, { maxRetriesPerRequest: 1 });
    acme = (await stack.createKey('acme')).apiKey;
    globex = (await stack.createKey('globex')).apiKey;
  });
  afterAll(async () => {
    redis?.disconnect();
    await stack?.close();
    await pg?.drop();
  });

  const submit = async (content: string) => {
    const res = await stack.request(acme, 'POST', '/v1/jobs', { type: 'complete', input: { messages: [{ role: 'user', content }] } });
    expect(res.status).toBe(202);
    return res.body.id as string;
  };
  const recordKey = (id: string) => KeyShards.for(stack.config.redis).keysFor(id).jobs.record(id);

  it('answers a finished job, its result and the listings the same once only Postgres has it', async () => {
    const ids = [await submit('one'), await submit('two'), await submit('three')];
    const wav = sineWav(0.5);
    const transcribe = await stack.request(acme, 'POST', '/v1/jobs', {
      type: 'transcribe',
      input: { audio: { data: wav.toString('base64'), contentType: 'audio/wav' }, words: true },
    });
    expect(transcribe.status).toBe(202);
    const audioJob = transcribe.body.id as string;
    const hot = await Promise.all(ids.map((id) => stack.waitForJob(acme, id)));
    await stack.waitForJob(acme, audioJob);
    // The input, asked for, from Redis: as queued (defaults filled in); never unasked.
    const hotInput = await stack.request(acme, 'GET', `/v1/jobs/${ids[0]}?include=input`);
    expect(hotInput.body.input).toEqual({ messages: [{ role: 'user', content: 'one' }], maxToolHops: 8 });
    expect(hot[0]).not.toHaveProperty('input');
    const hotAudioInput = (await stack.request(acme, 'GET', `/v1/jobs/${audioJob}?include=input`)).body.input as { audio: { key: string } };
    expect(hotAudioInput).toMatchObject({ audio: { contentType: 'audio/wav', bytes: wav.length }, words: true });
    // A name it does not know is a 400 in the usual envelope, on a read and on a list.
    for (const path of [`/v1/jobs/${ids[0]}?include=input,secrets`, '/v1/jobs?include=everything']) {
      const bad = await stack.request(acme, 'GET', path);
      expect(bad.status, path).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'invalid_request', param: 'query.include' });
    }
    expect(hot.map((j) => j.status)).toEqual(['completed', 'completed', 'completed']);
    const hotResult = await stack.request(acme, 'GET', `/v1/jobs/${ids[0]}/result`);
    const scoresRunId = (hot[0]!.result as { scoresRunId: string }).scoresRunId;
    const hotRun = await stack.request(acme, 'GET', `/v1/scores-runs/${scoresRunId}`);
    expect(hotRun.status).toBe(200);

    // Moved, then gone from Redis after the hot window: records and index entries alike.
    await eventually(async () => {
      for (const id of ids) expect(await redis.exists(recordKey(id))).toBe(0);
      expect(await redis.exists(`${stack.config.redis.prefix}:scores-run:${scoresRunId}`)).toBe(0);
      return true;
    }, 20_000);
    const left = (await scanKeys(redis, `*`)).filter((key) => [...ids, scoresRunId].some((id) => key.includes(id)));
    expect(left).toEqual([]);
    const { rows } = await pg.pool.query<{ id: string }>('SELECT id FROM jobs WHERE id = ANY($1) ORDER BY id', [ids]);
    expect(rows.map((r) => r.id)).toEqual([...ids].sort());

    for (const [i, id] of ids.entries()) {
      const res = await stack.request(acme, 'GET', `/v1/jobs/${id}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(hot[i]);
    }
    // The input from Postgres, as Redis answered it; a list asks for every job's; another tenant gets a 404.
    await eventually(async () => (await redis.exists(recordKey(audioJob))) === 0 || undefined, 20_000);
    expect((await stack.request(acme, 'GET', `/v1/jobs/${ids[0]}?include=input`)).body).toEqual(hotInput.body);
    expect((await stack.request(acme, 'GET', `/v1/jobs/${audioJob}?include=input`)).body.input).toEqual(hotAudioInput);
    const withInputs = await stack.request(acme, 'GET', '/v1/jobs?type=complete&include=input');
    expect((withInputs.body.data as Array<{ input: { messages: Array<{ content: string }> } }>).map((j) => j.input.messages[0]!.content)).toEqual([
      'three',
      'two',
      'one',
    ]);
    expect(((await stack.request(acme, 'GET', '/v1/jobs?type=complete')).body.data as unknown[])[0]).not.toHaveProperty('input');
    expect((await stack.request(globex, 'GET', `/v1/jobs/${ids[0]}?include=input`)).status).toBe(404);
    // The transcribe job's audio, served from the bucket for its owner only.
    const audio = await stack.request(acme, 'GET', `/v1/jobs/${audioJob}/input/audio`);
    expect(audio.status).toBe(200);
    expect(audio.raw.equals(wav)).toBe(true);
    expect((await stack.request(globex, 'GET', `/v1/jobs/${audioJob}/input/audio`)).status).toBe(404);
    expect((await stack.request(acme, 'GET', `/v1/jobs/${ids[0]}/input/audio`)).status).toBe(404);
    // Its events: the job as it is and its final event at once, as for a finished job in Redis.
    const events = await stack.request(acme, 'GET', `/v1/jobs/${ids[1]}/events`);
    expect(events.status).toBe(200);
    const names = [...events.raw.toString().matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(names).toEqual(['job', 'completed']);
    const coldRun = await stack.request(acme, 'GET', `/v1/scores-runs/${scoresRunId}`);
    expect(coldRun.body).toEqual(hotRun.body);
    expect((await stack.request(globex, 'GET', `/v1/scores-runs/${scoresRunId}`)).status).toBe(404);
    const coldResult = await stack.request(acme, 'GET', `/v1/jobs/${ids[0]}/result`);
    expect(coldResult.status).toBe(hotResult.status);
    expect(coldResult.body).toEqual(hotResult.body);

    const listed = await stack.request(acme, 'GET', '/v1/jobs?limit=2&status=completed&type=complete');
    expect(listed.status).toBe(200);
    const firstPage = (listed.body.data as Array<{ id: string }>).map((j) => j.id);
    const rest = await stack.request(acme, 'GET', `/v1/jobs?limit=10&status=completed&type=complete&cursor=${listed.body.nextCursor as string}`);
    expect([...firstPage, ...(rest.body.data as Array<{ id: string }>).map((j) => j.id)]).toEqual([...ids].sort().reverse());

    // Tenants stay apart, and a finished job still cannot be cancelled.
    expect((await stack.request(globex, 'GET', `/v1/jobs/${ids[0]}`)).status).toBe(404);
    expect((await stack.request(globex, 'GET', '/v1/jobs')).body.data).toEqual([]);
    const cancel = await stack.request(acme, 'DELETE', `/v1/jobs/${ids[0]}`);
    expect(cancel.status).toBe(409);
    expect(cancel.body.error?.code).toBe('job_not_cancellable');
  });
});
