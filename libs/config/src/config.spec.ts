import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('applies local defaults', () => {
    const config = loadConfig({});
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.worker.queues).toEqual(['transcribe', 'synthesize', 'complete']);
    expect(config.webhooks.allowPrivateNetworks).toBe(false);
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
    expect(() => loadConfig({ OPENAI_API_KEY: '' , REDIS_URL: 'http://x' })).toThrow(/REDIS_URL/);
    try {
      loadConfig({ OPENAI_BASE_URL: 'ftp://x', OPENAI_API_KEY: 'sk-secret' });
    } catch (e) {
      expect(String(e)).not.toContain('sk-secret');
    }
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ API_PORT: '' }).api.port).toBe(8080);
  });
});
