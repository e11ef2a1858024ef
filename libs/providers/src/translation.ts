import type { Requirement } from './candidates';
import type { SttProvider } from './provider';
import type { ProviderRuntime } from './provider-runtime';

/** A translation job's requirement: only STT providers that translate are candidates. */
export const TRANSLATION: Requirement = {
  feature: 'translation',
  serves: (provider) => provider.capability === 'stt' && provider.translate !== undefined,
};

/** The configured providers that translate, so the API can refuse a translation nothing can do before queueing it. */
export function translators(runtime: ProviderRuntime): SttProvider[] {
  return runtime.registry.list('stt').filter((provider) => TRANSLATION.serves(provider));
}
