import type { SpeechOptionalParam, SynthesizeInput, TranscribeInput, TranscribeOptionalParam } from '@voxq/contracts';
import type { Provider, SttProvider } from './provider';

/** Whether the provider's `model` takes a speaking-style `instructions` (its catalog's `instructionModels`). */
export function honoursInstructions(provider: Pick<Provider, 'profile'>, model: string): boolean {
  const models = provider.profile?.instructionModels ?? [];
  return models.some((m) => model === m || model.startsWith(`${m}-`));
}

/**
 * The parameters a synthesize job set that this provider and model do not honour: they are
 * not sent to it, and the result lists them (`unusedParams`) rather than dropping them silently.
 */
export function unusedSpeechParams(provider: Pick<Provider, 'profile'>, model: string, input: Pick<SynthesizeInput, 'instructions'>): SpeechOptionalParam[] {
  return input.instructions && !honoursInstructions(provider, model) ? ['instructions'] : [];
}

/**
 * The parameters a transcribe job set that this provider does not honour (`keywords` on one
 * without keyword biasing, such as pocketsphinx): not sent, and listed in the result's `unusedParams`.
 */
export function unusedTranscribeParams(provider: Pick<SttProvider, 'keywords'>, input: Pick<TranscribeInput, 'keywords'>): TranscribeOptionalParam[] {
  return input.keywords?.length && !provider.keywords ? ['keywords'] : [];
}
