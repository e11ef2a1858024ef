import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadConfig, readEnvFragment } from './config';

/** A vendor's variables, as a provider folder declares them. */
const demo = z.object({
  DEMO_API_KEY: z.string().min(8).optional(),
  DEMO_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://api.demo.test/v1'),
});

const problemsOf = (load: () => unknown): string => {
  try {
    load();
  } catch (e) {
    return (e as ConfigError).problems.join('\n');
  }
  throw new Error('accepted');
};

describe('environment fragments', () => {
  it("validates a fragment's variables with voxq's own, reporting every problem at once", () => {
    const problems = problemsOf(() => loadConfig({ API_PORT: 'eighty', DEMO_BASE_URL: 'ftp://x', DEMO_API_KEY: 'short' }, [demo]));
    expect(problems).toMatch(/API_PORT.*eighty/);
    expect(problems).toMatch(/DEMO_BASE_URL.*ftp:\/\/x/);
    expect(problems).toMatch(/DEMO_API_KEY/);
    expect(problems).not.toContain('short');
  });

  it('hands the fragment its values, defaults applied and empty strings unset', () => {
    const config = loadConfig({ DEMO_API_KEY: 'key-12345', DEMO_BASE_URL: '' }, [demo]);
    expect(readEnvFragment(config, demo)).toEqual({ DEMO_API_KEY: 'key-12345', DEMO_BASE_URL: 'https://api.demo.test/v1' });
  });

  it('parses a fragment the load was not given on first use, from the same variables', () => {
    const config = loadConfig({ DEMO_API_KEY: 'key-12345' });
    expect(readEnvFragment(config, demo).DEMO_API_KEY).toBe('key-12345');
    expect(() => readEnvFragment(loadConfig({ DEMO_BASE_URL: 'nope' }), demo)).toThrow(ConfigError);
  });

  it('refuses a variable declared twice', () => {
    expect(() => loadConfig({}, [z.object({ REDIS_URL: z.string().optional() })])).toThrow(/REDIS_URL is declared twice/);
    expect(() => loadConfig({}, [demo, demo])).toThrow(/DEMO_API_KEY is declared twice/);
  });
});
