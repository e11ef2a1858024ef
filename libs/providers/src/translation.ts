import { translates } from './candidates';
import type { SttProvider } from './provider';
import type { ProviderRuntime } from './provider-runtime';

/** The configured providers that translate, so the API can refuse a translation nothing can do before queueing it. */
export function translators(runtime: ProviderRuntime): SttProvider[] {
  return runtime.registry.list('stt').filter(translates);
}
