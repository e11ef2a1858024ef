import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('applies local defaults', () => {
    const config = loadConfig({});
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.worker.queues).toEqual(['transcribe', 'synthesize', 'complete', 'embed', 'image']);
    expect(config.webhooks.allowPrivateNetworks).toBe(false);
    expect(config.worker.heapGrowingPercent).toBe(100);
  });

  it('takes a worker heap growing percent from 0 (V8 its own factor) to 1000', () => {
    expect(loadConfig({ WORKER_HEAP_GROWING_PERCENT: '0' }).worker.heapGrowingPercent).toBe(0);
    for (const bad of ['-1', '1.5', '5000']) expect(() => loadConfig({ WORKER_HEAP_GROWING_PERCENT: bad })).toThrow(/WORKER_HEAP_GROWING_PERCENT/);
  });

  it('reports every problem at once, naming the variable and value', () => {
    const error = (() => {
      try {
        loadConfig({ API_PORT: 'eighty', WORKER_QUEUES: 'transcribe,nope', WEBHOOK_ALLOW_HTTP: 'maybe' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/API_PORT.*eighty/);
    expect(problems).toMatch(/WORKER_QUEUES/);
    expect(problems).toMatch(/WEBHOOK_ALLOW_HTTP.*maybe/);
  });

  it('never echoes secret values in its errors', () => {
    expect(() => loadConfig({ OPENAI_API_KEY: '', REDIS_URL: 'http://x' })).toThrow(/REDIS_URL/);
    // Vendor variables come in fragments (libs/providers declares OpenAI's like this).
    const vendor = z.object({ OPENAI_API_KEY: z.string().min(1).optional(), OPENAI_BASE_URL: z.url({ protocol: /^https?$/ }).optional() });
    try {
      loadConfig({ OPENAI_BASE_URL: 'ftp://x', OPENAI_API_KEY: 'sk-secret' }, [vendor]);
      expect.unreachable('accepted an ftp base URL');
    } catch (e) {
      expect(String(e)).toMatch(/OPENAI_BASE_URL/);
      expect(String(e)).not.toContain('sk-secret');
    }
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ API_PORT: '' }).api.port).toBe(8080);
  });
});

describe('webhook retry schedule', () => {
  const problemsOf = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (e) {
      return (e as ConfigError).problems.join('\n');
    }
    throw new Error('accepted');
  };

  it("defaults to Svix's schedule: 8 attempts over about 28 hours", () => {
    const { webhooks } = loadConfig({});
    expect(webhooks.retryScheduleMs).toEqual([0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    expect(webhooks.rotationGraceMs).toBe(24 * 3_600_000);
    expect(webhooks.retryAfterMaxMs).toBe(3_600_000);
  });

  it('takes compressed schedules for tests', () => {
    expect(loadConfig({ WEBHOOK_RETRY_SCHEDULE: '0, 50ms,50ms' }).webhooks.retryScheduleMs).toEqual([0, 50, 50]);
    expect(loadConfig({ WEBHOOK_RETRY_SCHEDULE: '1d' }).webhooks.retryScheduleMs).toEqual([86_400_000]);
  });

  it('names each bad entry and says what a duration looks like', () => {
    const problems = problemsOf({ WEBHOOK_RETRY_SCHEDULE: '0,5,soon,8d', WEBHOOK_SECRET_ROTATION_GRACE: '24' });
    expect(problems).toMatch(/WEBHOOK_RETRY_SCHEDULE: entry 2: '5' needs a unit: ms, s, m, h or d \(e\.g\. 5s\)/);
    expect(problems).toMatch(/entry 3: 'soon' is not a duration/);
    expect(problems).toMatch(/entry 4: '8d' is longer than 7 days/);
    expect(problems).toMatch(/WEBHOOK_SECRET_ROTATION_GRACE: '24' needs a unit/);
    expect(problemsOf({ WEBHOOK_RETRY_SCHEDULE: Array(51).fill('1s').join(',') })).toMatch(/at most 50 attempts/);
  });

  it('refuses the variables it replaced, naming the new one', () => {
    const problems = problemsOf({ WEBHOOK_ATTEMPTS: '3', WEBHOOK_BACKOFF_MS: '50' });
    expect(problems).toMatch(/WEBHOOK_ATTEMPTS: no longer read: use WEBHOOK_RETRY_SCHEDULE .*\(got '3'\)/);
    expect(problems).toMatch(/WEBHOOK_BACKOFF_MS: no longer read/);
  });
  it('configures S3: AWS by default, path style with an endpoint, credentials both or neither', () => {
    const aws = loadConfig({});
    expect(aws.s3).toMatchObject({
      endpoint: undefined,
      region: 'us-east-1',
      bucket: 'voxq',
      credentials: undefined,
      forcePathStyle: false,
      presignTtlSeconds: 900,
    });
    expect(aws.uploads.maxBytes).toBe(2 * 1024 ** 3);
    const local = loadConfig({ S3_ENDPOINT: 'http://127.0.0.1:4569/', S3_ACCESS_KEY_ID: 'k', S3_SECRET_ACCESS_KEY: 's' });
    expect(local.s3).toMatchObject({ endpoint: 'http://127.0.0.1:4569', forcePathStyle: true, credentials: { accessKeyId: 'k', secretAccessKey: 's' } });
    expect(loadConfig({ S3_ENDPOINT: 'http://x:9000', S3_FORCE_PATH_STYLE: 'false' }).s3.forcePathStyle).toBe(false);

    const problems = (() => {
      try {
        loadConfig({ S3_ACCESS_KEY_ID: 'only-id', S3_BUCKET: 'Bad_Bucket', S3_PRESIGN_TTL_SECONDS: '999999999' });
      } catch (e) {
        return (e as ConfigError).problems.join('\n');
      }
      return '';
    })();
    expect(problems).toMatch(/S3_BUCKET/);
    expect(problems).toMatch(/S3_PRESIGN_TTL_SECONDS/);
    expect(() => loadConfig({ S3_ACCESS_KEY_ID: 'only-id' })).toThrow(/S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY: set both/);
  });
});
