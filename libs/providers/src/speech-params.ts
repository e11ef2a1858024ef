import type { SpeechOptionalParam, SynthesizeInput } from '@voxq/contracts';
import type { Provider } from './provider';

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
