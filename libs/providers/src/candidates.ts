import type { Capability, ChatParam, Constraints, ImageInput, RoutingIntent } from '@voxq/contracts';
import { unsupportedChatParams } from './chat-params';
import { imageParamProblems } from './image-params';
import type { ImageProvider, Provider } from './provider';

export interface Candidate<P extends Provider = Provider> {
  provider: P;
  model: string;
  /** 1-based. */
  rank: number;
  /** Why it got this rank, kept in the scores run. */
  reason: string;
}

export interface Exclusion {
  provider: string;
  /** The constraint that excluded it. */
  by: 'allowedProviders' | 'language' | 'chatParams' | 'translation' | 'imageParams';
  reason: string;
}

/** Whether a provider translates speech into English (Whisper's translations). */
export const translates = (provider: Provider): boolean => provider.capability === 'stt' && provider.translate !== undefined;

export interface CandidateSelection<P extends Provider = Provider> {
  candidates: Array<Candidate<P>>;
  excluded: Exclusion[];
  /** Names in `allowedProviders` that no registered provider has. */
  unknownAllowed: string[];
}

export function primaryLanguage(tag: string): string {
  return (tag.split('-')[0] ?? tag).toLowerCase();
}

function servesLanguage(provider: Provider, language: string): boolean {
  return provider.languages === '*' || provider.languages.includes(language);
}

/**
 * The ranking, in one place. For now the configured order; scoring by catalogue and live
 * health replaces this function's body, not its callers.
 */
export function rankCandidates<P extends Provider>(eligible: readonly P[], _intent: RoutingIntent): Array<{ provider: P; reason: string }> {
  return eligible.map((provider, index) => ({ provider, reason: `configured order (${index + 1} of ${eligible.length})` }));
}

/** What the job itself asks of a provider, beyond its constraints. */
export interface Requirements {
  /** Chat parameters set to something only some providers honour (`requestedChatParams`). */
  chatParams?: readonly ChatParam[];
  /** The speech in English (a translate job): only STT providers that translate. */
  translation?: boolean;
  /** An image job's parameters: only image providers whose model takes them all (`imageParamProblems`). */
  image?: ImageInput;
}

/** Filters the capability's providers by the job's constraints, language and requirements, then ranks them. */
export function selectCandidates<P extends Provider>(
  providers: readonly P[],
  capability: Capability,
  intent: RoutingIntent,
  constraints: Constraints,
  requires: Requirements = {},
): CandidateSelection<P> {
  const allowed = constraints.allowedProviders?.[capability];
  const language = primaryLanguage(intent.language);
  const excluded: Exclusion[] = [];
  const eligible: P[] = [];
  for (const provider of providers) {
    const imageProblem =
      provider.capability === 'image' && requires.image ? imageRefusal(provider, constraints.models?.image ?? provider.defaultModel, requires.image) : null;
    if (allowed && !allowed.includes(provider.name)) {
      excluded.push({ provider: provider.name, by: 'allowedProviders', reason: `not in allowedProviders.${capability}` });
    } else if (!servesLanguage(provider, language)) {
      excluded.push({ provider: provider.name, by: 'language', reason: `language '${intent.language}' is not supported` });
    } else if (provider.capability === 'llm' && requires.chatParams?.length && unsupportedChatParams(provider, requires.chatParams).length > 0) {
      const missing = unsupportedChatParams(provider, requires.chatParams);
      excluded.push({ provider: provider.name, by: 'chatParams', reason: `does not support ${missing.join(', ')}` });
    } else if (requires.translation && !translates(provider)) {
      excluded.push({ provider: provider.name, by: 'translation', reason: 'does not translate' });
    } else if (imageProblem) {
      excluded.push({ provider: provider.name, by: 'imageParams', reason: imageProblem });
    } else {
      eligible.push(provider);
    }
  }
  const pinned = constraints.models?.[capability];
  return {
    candidates: rankCandidates(eligible, intent).map(({ provider, reason }, index) => ({
      provider,
      model: pinned ?? provider.defaultModel,
      rank: index + 1,
      reason,
    })),
    excluded,
    unknownAllowed: (allowed ?? []).filter((name) => !providers.some((p) => p.name === name)),
  };
}

/** Why an image provider's model cannot serve the job as asked (`model: param: reason`), or null when it can. */
function imageRefusal(provider: ImageProvider, model: string, input: ImageInput): string | null {
  const problem = imageParamProblems(model, provider.models[model], input)[0];
  return problem ? `(${model}) cannot: ${problem.param}: ${problem.message}` : null;
}

/** Says which constraint excluded what, so a client can fix its request or config. */
export function noCandidateMessage(capability: Capability, intent: RoutingIntent, selection: CandidateSelection): string {
  const names = (by: Exclusion['by']) => selection.excluded.filter((e) => e.by === by).map((e) => e.provider);
  const parts: string[] = [];
  const notAllowed = names('allowedProviders');
  if (notAllowed.length > 0) parts.push(`allowedProviders.${capability} excluded ${notAllowed.join(', ')}`);
  const noLanguage = names('language');
  if (noLanguage.length > 0) parts.push(`language '${intent.language}' is not supported by ${noLanguage.join(', ')}`);
  for (const e of selection.excluded.filter((x) => x.by === 'chatParams')) parts.push(`${e.provider} ${e.reason}`);
  for (const e of selection.excluded.filter((x) => x.by === 'translation' || x.by === 'imageParams')) parts.push(`${e.provider} ${e.reason}`);
  if (selection.unknownAllowed.length > 0) {
    const verb = selection.unknownAllowed.length === 1 ? 'is' : 'are';
    parts.push(`allowedProviders.${capability} names ${selection.unknownAllowed.join(', ')}, which ${verb} not configured`);
  }
  if (selection.excluded.length === 0) parts.unshift(`no ${capability} provider is configured`);
  return `No ${capability} provider can serve this job: ${parts.join('; ')}`;
}
