import { describe, expect, it } from 'vitest';
import { listModels } from './catalog';
import { resolveModel, retrieveModel } from './model-names';
import type { Provider } from './provider';
import type { ProviderRuntime } from './provider-runtime';
import { ProviderRegistry } from './registry';

const provider = (name: string, capability: Provider['capability'], defaultModel: string, extra: Partial<Provider> = {}) =>
  ({ name, capability, languages: '*', defaultModel, ...extra }) as Provider;

// The catalog reads live health; none is recorded here.
const runtimeOf = (providers: Provider[], aliases: Record<string, string> = {}) =>
  ({ registry: new ProviderRegistry(providers, aliases), health: { get: () => undefined } }) as unknown as ProviderRuntime;

describe('models by name', () => {
  const runtime = runtimeOf(
    [
      provider('openai', 'llm', 'gpt-4o-mini', { simulated: true }),
      provider('anthropic', 'llm', 'claude-sonnet-4-5'),
      provider('local', 'llm', 'meta/llama-3.3-70b'),
      provider('openai', 'tts', 'tts-1'),
    ],
    { fast: 'anthropic/claude-sonnet-4-5', 'gpt-4': 'gpt-4o-mini', broken: 'nowhere/none' },
  );

  it.each([
    ['gpt-4o-mini', 'openai'],
    ['openai/gpt-4o-mini', 'openai'],
    ['meta/llama-3.3-70b', 'local'],
    ['fast', 'anthropic'],
    ['gpt-4', 'openai'],
  ])('%s pins %s', (name, owner) => {
    expect(resolveModel(runtime, 'llm', name).provider.name).toBe(owner);
  });

  it.each(['gpt-5', 'tts-1', 'anthropic/gpt-4o-mini', 'broken'])('%s is 404 model_not_found for chat', (name) => {
    expect(() => resolveModel(runtime, 'llm', name)).toThrow(expect.objectContaining({ code: 'model_not_found', status: 404, param: 'model' }));
  });

  it('lists every model with created, the simulated ones marked, then the aliases that resolve', () => {
    const models = listModels(runtime);
    expect(models.map((m) => m.id).sort()).toEqual(['claude-sonnet-4-5', 'fast', 'gpt-4', 'gpt-4o-mini', 'meta/llama-3.3-70b', 'tts-1']);
    expect(models.slice(-2).map((m) => m.id)).toEqual(['fast', 'gpt-4']);
    const byId = (id: string) => models.find((m) => m.id === id);
    expect(byId('gpt-4o-mini')).toMatchObject({ object: 'model', created: expect.any(Number), owned_by: 'openai', simulated: true });
    expect(byId('claude-sonnet-4-5')).not.toHaveProperty('simulated');
    expect(retrieveModel(runtime, 'fast')).toMatchObject({ id: 'fast', owned_by: 'anthropic', alias_for: 'anthropic/claude-sonnet-4-5' });
    expect(() => retrieveModel(runtime, 'broken')).toThrow(expect.objectContaining({ code: 'model_not_found' }));
  });
});
