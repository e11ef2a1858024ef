import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@voxq/config';
import { createLogger } from '@voxq/logging';
import { ProviderRegistry, createProviderRegistry } from './registry';

const logger = createLogger({ name: 'test', level: 'silent' });

describe('createProviderRegistry', () => {
  it('leaves openai out when it has no key, so it is never a candidate', () => {
    const registry = createProviderRegistry(loadConfig({}), logger);
    expect(registry.list('llm')).toEqual([]);
    expect(registry.list('embedding')).toEqual([]);
    expect(registry.list('tts').map((p) => p.name)).toEqual(['espeak-ng']);
    expect(registry.list('stt').map((p) => p.name)).toEqual(['pocketsphinx']);
  });

  it('builds openai against the configured base URL and model', () => {
    const registry = createProviderRegistry(
      loadConfig({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: 'http://127.0.0.1:4010/v1', OPENAI_MODEL: 'gpt-4.1-mini' }),
      logger,
    );
    expect(registry.get('llm', 'openai')).toMatchObject({ capability: 'llm', defaultModel: 'gpt-4.1-mini', languages: '*' });
  });

  it('serves embeddings from openai, its models with their lengths, and from a compatible server naming an embedding model', () => {
    const dir = mkdtempSync(join(tmpdir(), 'voxq-registry-'));
    try {
      const file = join(dir, 'voxq.json');
      writeFileSync(
        file,
        JSON.stringify({
          compatible: [
            { name: 'ollama', baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.2', embeddingModel: 'nomic-embed-text' },
            { name: 'vllm', baseUrl: 'http://127.0.0.1:8000/v1', model: 'qwen' },
          ],
        }),
      );
      const registry = createProviderRegistry(loadConfig({ OPENAI_API_KEY: 'sk-test', VOXQ_CONFIG_FILE: file }), logger);
      expect(registry.list('embedding').map((p) => p.name)).toEqual(['openai', 'ollama']);
      expect(registry.get('embedding', 'openai')).toMatchObject({
        defaultModel: 'text-embedding-3-small',
        models: { 'text-embedding-3-small': { maxDimensions: 1536 }, 'text-embedding-3-large': { maxDimensions: 3072 } },
      });
      expect(registry.get('embedding', 'ollama')).toMatchObject({ defaultModel: 'nomic-embed-text', models: {} });
      expect(registry.list('llm').map((p) => p.name)).toEqual(['openai', 'ollama', 'vllm']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves images from openai, its models with their parameters, and from a compatible server naming an image model', () => {
    const dir = mkdtempSync(join(tmpdir(), 'voxq-registry-'));
    try {
      const file = join(dir, 'voxq.json');
      writeFileSync(file, JSON.stringify({ compatible: [{ name: 'sd', baseUrl: 'http://127.0.0.1:8188/v1', model: 'llama3.2', imageModel: 'flux.1-dev' }] }));
      const registry = createProviderRegistry(loadConfig({ OPENAI_API_KEY: 'sk-test', VOXQ_CONFIG_FILE: file }), logger);
      expect(registry.list('image').map((p) => p.name)).toEqual(['openai', 'sd']);
      const openai = registry.get('image', 'openai');
      expect(openai).toMatchObject({ defaultModel: 'gpt-image-1', models: { 'dall-e-3': { maxImages: 1, styles: ['vivid', 'natural'] } } });
      expect(Object.keys(openai!.models).sort()).toEqual(['dall-e-2', 'dall-e-3', 'gpt-image-1', 'gpt-image-1-mini']);
      // A compatible server's model takes the prompt, n, size and user: voxq knows nothing more of it.
      expect(registry.get('image', 'sd')).toMatchObject({ defaultModel: 'flux.1-dev', models: { 'flux.1-dev': { qualities: [], maxImages: 10 } } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('honours the local engine switches', () => {
    const registry = createProviderRegistry(loadConfig({ ESPEAK_ENABLED: 'false', POCKETSPHINX_ENABLED: 'false' }), logger);
    expect(registry.list('tts')).toEqual([]);
    expect(registry.list('stt')).toEqual([]);
    expect(registry.get('tts', 'espeak-ng')).toBeUndefined();
  });
});

describe('ProviderRegistry', () => {
  it('refuses the same provider twice for one capability', () => {
    const registry = createProviderRegistry(loadConfig({}), logger);
    const espeak = registry.get('tts', 'espeak-ng');
    if (!espeak) throw new Error('espeak-ng should be registered by default');
    expect(() => new ProviderRegistry([espeak, espeak])).toThrow("Provider 'tts:espeak-ng' is registered twice");
  });
});
