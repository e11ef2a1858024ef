import type { Config } from '@voxq/config';
import type { Capability } from '@voxq/contracts';
import type { Logger } from '@voxq/logging';
import { createEspeakNgTts } from './espeak-ng/synthesize';
import { createOpenAiCompatibleLlm } from './openai-compatible/complete';
import { createPocketsphinxStt } from './pocketsphinx/transcribe';
import type { Provider, ProviderOf } from './provider';
import { Semaphore } from './shared/semaphore';

/** The providers this process may call, in their configured order. */
export class ProviderRegistry {
  private readonly byName = new Map<string, Provider>();

  constructor(providers: readonly Provider[]) {
    for (const provider of providers) {
      if (this.byName.has(provider.name)) throw new Error(`Provider '${provider.name}' is registered twice`);
      this.byName.set(provider.name, provider);
    }
  }

  list<C extends Capability>(capability: C): Array<ProviderOf<C>> {
    return [...this.byName.values()].filter((p): p is ProviderOf<C> => p.capability === capability);
  }

  get(name: string): Provider | undefined {
    return this.byName.get(name);
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
