import type { Config, EnvFragment } from '@voxq/config';
import type { Capability } from '@voxq/contracts';
import type { Logger } from '@voxq/logging';
import { anthropic } from './anthropic/vendor';
import { cartesia } from './cartesia/vendor';
import { deepgram } from './deepgram/vendor';
import { elevenlabs } from './elevenlabs/vendor';
import { espeakNg } from './espeak-ng/vendor';
import { groq } from './groq/vendor';
import { openai } from './openai/vendor';
import { compatibleServers } from './openai-compatible/vendor';
import { pocketsphinx } from './pocketsphinx/vendor';
import type { Provider, ProviderOf } from './provider';
import { Semaphore } from './shared/semaphore';
import type { Vendor, VendorEntry } from './vendor';

/**
 * The one list of vendors, one line each, in registration order. A vendor is its folder
 * (`<vendor>/vendor.ts` declares its variables and builds its adapters) plus its line here.
 */
export const VENDORS: readonly Vendor[] = [openai, anthropic, groq, compatibleServers, deepgram, elevenlabs, cartesia, espeakNg, pocketsphinx];

/**
 * Every vendor's environment variables, for the process's config load
 * (`loadConfig(process.env, providerEnv)`, done by `runService`), so a bad vendor variable
 * is reported with every other problem at start-up.
 */
export const providerEnv: readonly EnvFragment[] = VENDORS.map((vendor) => vendor.env);

/**
 * The providers this process may call, in their configured order. One vendor may serve
 * several capabilities (OpenAI: llm, stt and tts) under one name, one adapter each.
 */
export class ProviderRegistry {
  private readonly byKey = new Map<string, Provider>();

  /** `aliases`: other names for configured models (the config file's `models.aliases`). */
  constructor(
    providers: readonly Provider[],
    readonly aliases: Readonly<Record<string, string>> = {},
  ) {
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
 * The providers of every vendor that is configured. A provider without its key is not a
 * candidate at all, so it never costs a failed call; the config file can switch one off,
 * set its limits, and override its catalog entry.
 */
export function createProviderRegistry(
  config: Config,
  logger: Logger,
  vendors: readonly Vendor[] = VENDORS,
  /** The level of the line that lists them: one process of an installation says it at info. */
  announceAt: 'info' | 'debug' = 'info',
): ProviderRegistry {
  const context = { config, localEngines: new Semaphore(config.worker.localEngineConcurrency) };
  const entries: VendorEntry[] = [];
  const skipped: string[] = [];
  for (const vendor of vendors) {
    const built = vendor.providers(context);
    if (typeof built === 'string') skipped.push(`${vendor.name} (${built})`);
    else entries.push(...built);
  }

  const overrides = config.providers.overrides;
  const providers = entries.flatMap(({ provider, profile, upstream }) => {
    const override = overrides[provider.name];
    if (override?.enabled === false) {
      skipped.push(`${provider.capability}:${provider.name} (disabled in the config file)`);
      return [];
    }
    const { languages, ...catalog } = override?.catalog ?? {};
    const simulated = upstream !== undefined && isSimulator(upstream, config.simulator.port);
    return [{ ...provider, ...(languages ? { languages } : {}), profile: { ...profile, ...catalog }, ...(simulated ? { simulated } : {}) } as Provider];
  });
  logger[announceAt]({ providers: providers.map((x) => `${x.capability}:${x.name}`), ...(skipped.length ? { skipped } : {}) }, 'providers registered');
  return new ProviderRegistry(providers, config.models.aliases);
}

/**
 * `npm start` without keys points the vendors at the simulator on a loopback address and
 * `SIMULATOR_PORT`: what it serves is marked so `/v1/models` does not pass it off as the vendor.
 */
function isSimulator(baseUrl: string, simulatorPort: number): boolean {
  try {
    const url = new URL(baseUrl);
    return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) && Number(url.port) === simulatorPort;
  } catch {
    return false;
  }
}
