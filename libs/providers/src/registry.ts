import type { Config } from '@voxq/config';
import type { Capability } from '@voxq/contracts';
import type { Logger } from '@voxq/logging';
import { createAnthropicLlm } from './anthropic/complete';
import { ANTHROPIC_LLM_PROFILE } from './anthropic/profile';
import { createCartesiaTts } from './cartesia/synthesize';
import { CARTESIA_TTS_PROFILE } from './cartesia/profile';
import { createDeepgramStt } from './deepgram/transcribe';
import { DEEPGRAM_STT_PROFILE } from './deepgram/profile';
import { createElevenLabsTts } from './elevenlabs/synthesize';
import { ELEVENLABS_TTS_PROFILE } from './elevenlabs/profile';
import { ESPEAK_TTS_PROFILE } from './espeak-ng/profile';
import { createEspeakNgTts } from './espeak-ng/synthesize';
import { createOpenAiCompatibleLlm } from './openai-compatible/complete';
import {
  COMPATIBLE_LLM_PROFILE,
  GROQ_LLM_PROFILE,
  GROQ_STT_PROFILE,
  OPENAI_LLM_PROFILE,
  OPENAI_STT_PROFILE,
  OPENAI_TTS_PROFILE,
} from './openai-compatible/profile';
import { createOpenAiCompatibleTts } from './openai-compatible/synthesize';
import { createOpenAiCompatibleStt } from './openai-compatible/transcribe';
import { POCKETSPHINX_STT_PROFILE } from './pocketsphinx/profile';
import { createPocketsphinxStt } from './pocketsphinx/transcribe';
import type { Provider, ProviderOf, ProviderProfile } from './provider';
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

type Entry = { provider: Provider; profile: ProviderProfile };

/**
 * The one place that lists providers. A provider without its key is not a candidate at all,
 * so it never costs a failed call; the config file can switch one off, set its limits, and
 * override its catalog entry. Adding a provider is a folder plus one entry here.
 */
export function createProviderRegistry(config: Config, logger: Logger): ProviderRegistry {
  const p = config.providers;
  // Both local engines compete for the same cores, so they share one process limit.
  const localEngines = new Semaphore(config.worker.localEngineConcurrency);
  const entries: Entry[] = [];
  const skipped: string[] = [];
  const keyed = (vendor: string, key: string | undefined, variable: string, add: (apiKey: string) => Entry[]) => {
    if (key) entries.push(...add(key));
    else skipped.push(`${vendor} (${variable} unset)`);
  };

  keyed('openai', p.openai.apiKey, 'OPENAI_API_KEY', (apiKey) => {
    const base = { name: 'openai', baseUrl: p.openai.baseUrl, apiKey };
    return [
      { provider: createOpenAiCompatibleLlm({ ...base, defaultModel: p.openai.model }), profile: OPENAI_LLM_PROFILE },
      { provider: createOpenAiCompatibleStt({ ...base, defaultModel: p.openai.sttModel }), profile: OPENAI_STT_PROFILE },
      { provider: createOpenAiCompatibleTts({ ...base, defaultModel: p.openai.ttsModel, defaultVoice: p.openai.ttsVoice }), profile: OPENAI_TTS_PROFILE },
    ];
  });
  keyed('anthropic', p.anthropic.apiKey, 'ANTHROPIC_API_KEY', (apiKey) => [
    {
      provider: createAnthropicLlm({ baseUrl: p.anthropic.baseUrl, apiKey, version: p.anthropic.version, defaultModel: p.anthropic.model }),
      profile: ANTHROPIC_LLM_PROFILE,
    },
  ]);
  keyed('groq', p.groq.apiKey, 'GROQ_API_KEY', (apiKey) => {
    const base = { name: 'groq', baseUrl: p.groq.baseUrl, apiKey };
    return [
      { provider: createOpenAiCompatibleLlm({ ...base, defaultModel: p.groq.model }), profile: GROQ_LLM_PROFILE },
      { provider: createOpenAiCompatibleStt({ ...base, defaultModel: p.groq.sttModel }), profile: GROQ_STT_PROFILE },
    ];
  });
  for (const server of p.compatible) {
    // Local servers (Ollama, llama.cpp) often take no key; they still get a placeholder header.
    entries.push({
      provider: createOpenAiCompatibleLlm({ name: server.name, baseUrl: server.baseUrl, apiKey: server.apiKey ?? 'none', defaultModel: server.model }),
      profile: COMPATIBLE_LLM_PROFILE,
    });
  }
  keyed('deepgram', p.deepgram.apiKey, 'DEEPGRAM_API_KEY', (apiKey) => [
    { provider: createDeepgramStt({ baseUrl: p.deepgram.baseUrl, apiKey, defaultModel: p.deepgram.model }), profile: DEEPGRAM_STT_PROFILE },
  ]);
  keyed('elevenlabs', p.elevenlabs.apiKey, 'ELEVENLABS_API_KEY', (apiKey) => [
    {
      provider: createElevenLabsTts({ baseUrl: p.elevenlabs.baseUrl, apiKey, defaultModel: p.elevenlabs.model, defaultVoice: p.elevenlabs.voice }),
      profile: ELEVENLABS_TTS_PROFILE,
    },
  ]);
  keyed('cartesia', p.cartesia.apiKey, 'CARTESIA_API_KEY', (apiKey) => [
    {
      provider: createCartesiaTts({
        baseUrl: p.cartesia.baseUrl,
        apiKey,
        version: p.cartesia.version,
        defaultModel: p.cartesia.model,
        defaultVoice: p.cartesia.voice,
      }),
      profile: CARTESIA_TTS_PROFILE,
    },
  ]);
  if (p.espeak.enabled) entries.push({ provider: createEspeakNgTts({ bin: p.espeak.bin, limiter: localEngines }), profile: ESPEAK_TTS_PROFILE });
  if (p.pocketsphinx.enabled) {
    entries.push({
      provider: createPocketsphinxStt({ bin: p.pocketsphinx.bin, soxBin: p.pocketsphinx.soxBin, limiter: localEngines }),
      profile: POCKETSPHINX_STT_PROFILE,
    });
  }

  const providers = entries.flatMap(({ provider, profile }) => {
    const override = p.overrides[provider.name];
    if (override?.enabled === false) {
      skipped.push(`${provider.capability}:${provider.name} (disabled in the config file)`);
      return [];
    }
    const { languages, ...catalog } = override?.catalog ?? {};
    return [{ ...provider, ...(languages ? { languages } : {}), profile: { ...profile, ...catalog } } as Provider];
  });
  logger.info({ providers: providers.map((x) => `${x.capability}:${x.name}`), ...(skipped.length ? { skipped } : {}) }, 'providers registered');
  return new ProviderRegistry(providers);
}
