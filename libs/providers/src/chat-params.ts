import { CHAT_PARAMS, type ChatParam } from '@voxq/contracts';
import type { LlmSampling, Provider } from './provider';

/** Everything OpenAI's Chat Completions takes: OpenAI itself honours every parameter. */
export const OPENAI_CHAT_PARAMS: readonly ChatParam[] = CHAT_PARAMS;

/**
 * What any server speaking OpenAI's wire (vLLM, llama.cpp, Ollama, Together…) is taken to
 * honour: the sampling parameters of the wire itself, not OpenAI's platform features
 * (stored completions, service tiers, prompt caching, predicted outputs, web search).
 */
export const COMPATIBLE_CHAT_PARAMS: readonly ChatParam[] = [
  'responseFormat',
  'n',
  'stop',
  'seed',
  'topP',
  'presencePenalty',
  'frequencyPenalty',
  'logitBias',
  'logprobs',
  'topLogprobs',
  'user',
];

/** A config file's list of chat parameters, checked against voxq's names (a typo would silently exclude a server). */
export function knownChatParams(server: string, names: readonly string[]): ChatParam[] {
  const unknown = names.filter((name) => !(CHAT_PARAMS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(`VOXQ_CONFIG_FILE: compatible server '${server}' names unknown chat parameters ${unknown.join(', ')} (known: ${CHAT_PARAMS.join(', ')})`);
  }
  return names as ChatParam[];
}

/**
 * The parameters a request really asks of its provider: the ones set to something other
 * than what every provider does anyway (`n: 1`, `logprobs: false`, a `text` response format).
 */
export function requestedChatParams(request: LlmSampling): ChatParam[] {
  return CHAT_PARAMS.filter((param) => {
    const value = request[param];
    if (value === undefined) return false;
    if (param === 'n') return value !== 1;
    if (param === 'logprobs') return value === true;
    if (param === 'topLogprobs') return value !== 0;
    if (param === 'responseFormat') return request.responseFormat?.type !== 'text';
    return true;
  });
}

/** The requested parameters the provider does not honour. */
export function unsupportedChatParams(provider: Pick<Provider, 'profile'>, requested: readonly ChatParam[]): ChatParam[] {
  const honoured = provider.profile?.chatParams ?? [];
  return requested.filter((param) => !honoured.includes(param));
}

/**
 * OpenAI's voice names: only a provider that lists one has it. A vendor that takes its own
 * voice ids (`any`) has none of them, so `alloy` never becomes someone else's default voice.
 */
export const OPENAI_VOICES = ['alloy', 'ash', 'ballad', 'cedar', 'coral', 'echo', 'fable', 'marin', 'nova', 'onyx', 'sage', 'shimmer', 'verse'] as const;

export function hasVoice(provider: Pick<Provider, 'profile'>, voice: string): boolean {
  const voices = provider.profile?.voices ?? 'any';
  if (voices === 'any') return !(OPENAI_VOICES as readonly string[]).includes(voice);
  return voices.includes(voice);
}

/** The chat parameters of a job's input, for the provider request. */
export function samplingOf(input: LlmSampling): LlmSampling {
  return Object.fromEntries(CHAT_PARAMS.flatMap((param) => (input[param] === undefined ? [] : [[param, input[param]]])));
}
