import type { Config } from '@voxq/config';
import type { Capability } from '@voxq/contracts';
import type { Logger } from '@voxq/logging';
import { createEspeakNgTts } from './espeak-ng/synthesize';
import { createOpenAiCompatibleLlm } from './openai-compatible/complete';
import { createPocketsphinxStt } from './pocketsphinx/transcribe';
import type { Provider, ProviderOf } from './provider';
import { Semaphore } from './shared/semaphore';

/**
 * The providers this process may call, in their configured order. One vendor may serve
 * several capabilities (OpenAI: llm, stt and tts) under one name, one adapter each.
 */
export class ProviderRegistry {
  private readonly byKey = new Map<string, Provider>();

  constructor(providers: readonly Provider[]) {
    for (const provider of providers) {
      const key = `${provider.capability}:${provider.name}`;
      if (this.byKey.has(key)) throw new Error(`Provider '${key}' is registered twice`);
      this.byKey.set(key, provider);
    }
  }

  list<C extends Capability>(capability: C): Array<ProviderOf<C>> {
    return [...this.byKey.values()].filter((p): p is ProviderOf<C> => p.capability === capability);
  }

  get<C extends Capability>(capability: C, name: string): ProviderOf<C> | undefined {
    return this.byKey.get(`${capability}:${name}`) as ProviderOf<C> | undefined;
  }

  all(): Provider[] {
    return [...this.byKey.values()];
  }
}

/**
 * The one place that lists providers. A provider without its key is not a candidate at all,
 * so it never costs a failed call. Adding a provider is a folder plus one entry here.
 */
export function createProviderRegistry(config: Config, logger: Logger): ProviderRegistry {
  const { providers } = config;
  // Both local engines compete for the same cores, so they share one process limit.
  const localEngines = new Semaphore(config.worker.localEngineConcurrency);
  const list: Provider[] = [];

  if (providers.openai.apiKey) {
    list.push(
      createOpenAiCompatibleLlm({
        name: 'openai',
        baseUrl: providers.openai.baseUrl,
        apiKey: providers.openai.apiKey,
        defaultModel: providers.openai.model,
      }),
    );
  }
  if (providers.espeak.enabled) list.push(createEspeakNgTts({ bin: providers.espeak.bin, limiter: localEngines }));
  if (providers.pocketsphinx.enabled) {
    list.push(
      createPocketsphinxStt({ bin: providers.pocketsphinx.bin, soxBin: providers.pocketsphinx.soxBin, limiter: localEngines }),
    );
  }

  logger.info(
    { providers: list.map((p) => `${p.capability}:${p.name}`), ...(providers.openai.apiKey ? {} : { skipped: ['openai (OPENAI_API_KEY unset)'] }) },
    'providers registered',
  );
  return new ProviderRegistry(list);
}
