import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, envSchema, loadConfig } from '@voxq/config';
import { createLogger } from '@voxq/logging';
import type { ProviderProfile } from './provider';
import { openAiCompatibleEntries } from './openai-compatible/entries';
import { VENDORS, createProviderRegistry, providerEnv } from './registry';
import { defineVendor } from './vendor';
import { apiKeyVar, baseUrlVar, textVar } from './vendor-env';

const logger = createLogger({ name: 'test', level: 'silent' });

describe('vendor variables', () => {
  it('are declared once each, beside voxq’s own, and load with their defaults', () => {
    const names = [envSchema, ...providerEnv].flatMap((schema) => Object.keys(schema.shape));
    expect(new Set(names).size).toBe(names.length);
    expect(() => loadConfig({}, providerEnv)).not.toThrow();
  });

  it('are each documented in .env.example with their default', () => {
    const example = readFileSync(join(import.meta.dirname, '../../../.env.example'), 'utf8');
    const documented = new Map([...example.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map(([, name, value]) => [name, value]));
    for (const fragment of providerEnv) {
      const defaults: Record<string, unknown> = fragment.parse({});
      for (const name of Object.keys(fragment.shape)) {
        expect(documented.get(name), name).toBe(defaults[name] === undefined ? '' : String(defaults[name]));
      }
    }
  });

  it('report their problems with every other at start-up, never quoting a key', () => {
    const problems = (() => {
      try {
        loadConfig({ API_PORT: 'eighty', OPENAI_BASE_URL: 'ftp://x', OPENAI_API_KEY: 'sk-secret', ESPEAK_ENABLED: 'maybe' }, providerEnv);
      } catch (e) {
        return (e as ConfigError).problems.join('\n');
      }
      throw new Error('accepted');
    })();
    expect(problems).toMatch(/API_PORT.*eighty/);
    expect(problems).toMatch(/OPENAI_BASE_URL.*ftp:\/\/x/);
    expect(problems).toMatch(/ESPEAK_ENABLED.*maybe/);
    expect(problems).not.toContain('sk-secret');
  });

  it('are read on first use by a config loaded without them (tests, tools), with the same report', () => {
    expect(() => createProviderRegistry(loadConfig({ DEEPGRAM_BASE_URL: 'not a url' }), logger)).toThrow(ConfigError);
  });
});

describe('a vendor', () => {
  it('that speaks OpenAI’s wire is a folder of data and one registry line', () => {
    const profile: ProviderProfile = { quality: 0.7, costPerUnit: 0.9, latencyMs: 800, verticals: [] };
    const together = defineVendor({
      name: 'together',
      env: z.object({
        TOGETHER_API_KEY: apiKeyVar('Together key.'),
        TOGETHER_BASE_URL: baseUrlVar('https://api.together.xyz/v1', 'Together API.'),
        TOGETHER_MODEL: textVar('meta-llama/Llama-3.3-70B-Instruct-Turbo', 'Chat model.'),
      }),
      providers: (env) =>
        env.TOGETHER_API_KEY
          ? openAiCompatibleEntries(
              { name: 'together', baseUrl: env.TOGETHER_BASE_URL, apiKey: env.TOGETHER_API_KEY },
              { llm: { model: env.TOGETHER_MODEL, profile } },
            )
          : 'TOGETHER_API_KEY unset',
    });
    const vendors = [...VENDORS, together];
    const config = loadConfig(
      { TOGETHER_API_KEY: 'tg-test', TOGETHER_BASE_URL: 'http://127.0.0.1:4010/together/v1/' },
      vendors.map((v) => v.env),
    );
    const registry = createProviderRegistry(config, logger, vendors);
    expect(registry.get('llm', 'together')).toMatchObject({ defaultModel: 'meta-llama/Llama-3.3-70B-Instruct-Turbo', profile });
    expect(createProviderRegistry(loadConfig({}), logger, vendors).get('llm', 'together')).toBeUndefined();
  });
});
