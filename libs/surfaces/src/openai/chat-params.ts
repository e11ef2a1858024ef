import { z } from 'zod';
import { jobRequestSchema, type ChatParam, type CompleteInput, type JobRequest } from '@voxq/contracts';
import { errors } from '@voxq/errors';
import { toValidationError } from '@voxq/intake';
import { requestedChatParams, selectCandidates, type ProviderRuntime } from '@voxq/providers';

/** voxq's name of each chat parameter → OpenAI's, for the request mapping and for errors. */
export const OPENAI_PARAM_NAMES: Record<ChatParam, string> = {
  responseFormat: 'response_format',
  n: 'n',
  stop: 'stop',
  seed: 'seed',
  topP: 'top_p',
  presencePenalty: 'presence_penalty',
  frequencyPenalty: 'frequency_penalty',
  logitBias: 'logit_bias',
  logprobs: 'logprobs',
  topLogprobs: 'top_logprobs',
  user: 'user',
  metadata: 'metadata',
  serviceTier: 'service_tier',
  store: 'store',
  verbosity: 'verbosity',
  prediction: 'prediction',
  webSearchOptions: 'web_search_options',
  promptCacheKey: 'prompt_cache_key',
  promptCacheRetention: 'prompt_cache_retention',
  safetyIdentifier: 'safety_identifier',
};

const nullable = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

/**
 * The request fields of those parameters, loosely typed: ranges are checked on the job
 * request, whose errors are renamed back to these names (`chatParamError`).
 */
export const chatParamFields = {
  response_format: z
    .discriminatedUnion('type', [
      z.looseObject({ type: z.literal('text') }),
      z.looseObject({ type: z.literal('json_object') }),
      z.looseObject({
        type: z.literal('json_schema'),
        json_schema: z.looseObject({
          name: z.string(),
          description: z.string().optional(),
          schema: z.record(z.string(), z.unknown()).optional(),
          strict: z.boolean().nullable().optional(),
        }),
      }),
    ])
    .optional(),
  n: nullable(z.number().int()),
  stop: nullable(z.union([z.string(), z.array(z.string())])),
  seed: nullable(z.number().int()),
  top_p: nullable(z.number()),
  presence_penalty: nullable(z.number()),
  frequency_penalty: nullable(z.number()),
  logit_bias: nullable(z.record(z.string(), z.number())),
  logprobs: nullable(z.boolean()),
  top_logprobs: nullable(z.number().int()),
  user: z.string().optional(),
  metadata: nullable(z.record(z.string(), z.string())),
  service_tier: nullable(z.enum(['auto', 'default', 'flex', 'scale', 'priority'])),
  store: nullable(z.boolean()),
  verbosity: nullable(z.enum(['low', 'medium', 'high'])),
  prediction: nullable(z.record(z.string(), z.unknown())),
  web_search_options: z.record(z.string(), z.unknown()).optional(),
  prompt_cache_key: nullable(z.string()),
  prompt_cache_retention: nullable(z.enum(['in_memory', '24h'])),
  safety_identifier: nullable(z.string()),
  // Refused below: voxq's chat result is text (and tool calls) only.
  audio: z.unknown().optional(),
  modalities: nullable(z.array(z.string())),
  functions: z.unknown().optional(),
  function_call: z.unknown().optional(),
  moderation: z.unknown().optional(),
  prompt_cache_options: z.unknown().optional(),
};
type ChatParamBody = { [K in keyof typeof chatParamFields]?: z.infer<(typeof chatParamFields)[K]> };

/** What voxq cannot give at all, whatever the provider: refused by name rather than ignored. */
const REFUSED: Array<{ param: keyof ChatParamBody; why: string; allows?: (value: unknown) => boolean }> = [
  { param: 'audio', why: 'audio output is not supported: voxq answers chat with text; use /v1/audio/speech' },
  {
    param: 'modalities',
    why: 'only ["text"] is supported: voxq answers chat with text; use /v1/audio/speech for audio',
    allows: (value) => Array.isArray(value) && value.every((m) => m === 'text'),
  },
  { param: 'functions', why: 'the deprecated functions API is not supported; send `tools`' },
  { param: 'function_call', why: 'the deprecated functions API is not supported; send `tool_choice`' },
  { param: 'moderation', why: 'is not supported' },
  { param: 'prompt_cache_options', why: 'is not supported; `prompt_cache_key` and `prompt_cache_retention` are' },
];

/** The chat parameters of an OpenAI request, in voxq's names; refused ones are a 400 naming them. */
export function samplingInput(body: ChatParamBody): Partial<CompleteInput> {
  for (const { param, why, allows } of REFUSED) {
    const value = body[param];
    if (value !== undefined && value !== null && !allows?.(value)) throw errors.invalidRequest(`${param}: ${why}.`, param, 'unsupported_parameter');
  }
  const input: Record<string, unknown> = {};
  for (const [param, name] of Object.entries(OPENAI_PARAM_NAMES) as Array<[ChatParam, keyof ChatParamBody]>) {
    const value = body[name];
    if (value !== undefined && value !== null) input[param] = value;
  }
  const format = body.response_format;
  if (format?.type === 'json_schema') {
    const { name, description, schema, strict } = format.json_schema;
    input['responseFormat'] = { type: 'json_schema', jsonSchema: { name, description, schema, strict } };
  } else if (format) input['responseFormat'] = { type: format.type };
  if (typeof body.stop === 'string') input['stop'] = [body.stop];
  // OpenAI takes an empty list as no stop sequence.
  if (Array.isArray(body.stop) && body.stop.length === 0) delete input['stop'];
  return input as Partial<CompleteInput>;
}

type Path = ReadonlyArray<PropertyKey>;

/** A job request path (`input.maxTokens`) as the OpenAI request named it (`max_completion_tokens`). */
export function openAiPath(path: Path, body: { max_tokens?: unknown; max_completion_tokens?: unknown; stop?: unknown }): PropertyKey[] {
  const [root, field, ...rest] = path;
  if (root === 'constraints') return ['model'];
  if (root !== 'input' || field === undefined) return [...path];
  switch (field) {
    case 'maxTokens':
      return [body.max_completion_tokens == null && body.max_tokens != null ? 'max_tokens' : 'max_completion_tokens'];
    case 'messages': {
      const [index, key, ...more] = rest;
      if (key === 'toolCallId') return ['messages', index!, 'tool_call_id'];
      if (key === 'toolCalls') {
        const [call, part] = more;
        if (part === 'args') return ['messages', index!, 'tool_calls', call!, 'function', 'arguments'];
        if (part === 'name') return ['messages', index!, 'tool_calls', call!, 'function', 'name'];
        return ['messages', index!, 'tool_calls', ...more];
      }
      return ['messages', ...rest];
    }
    case 'tools': {
      const [index, key, ...more] = rest;
      return key === undefined ? ['tools', ...rest] : ['tools', index!, 'function', key, ...more];
    }
    case 'toolChoice':
      return rest.length > 0 ? ['tool_choice', 'function', ...rest] : ['tool_choice'];
    case 'parallelToolCalls':
      return ['parallel_tool_calls'];
    case 'reasoningEffort':
      return ['reasoning_effort'];
    case 'responseFormat':
      return rest[0] === 'jsonSchema' ? ['response_format', 'json_schema', ...rest.slice(1)] : ['response_format', ...rest];
    case 'stop':
      return typeof body.stop === 'string' ? ['stop'] : ['stop', ...rest];
    default: {
      const name = OPENAI_PARAM_NAMES[field as ChatParam];
      return name ? [name, ...rest] : [field, ...rest];
    }
  }
}

/**
 * Validates the job request built from an OpenAI chat request, with every error naming the
 * request's field (`max_completion_tokens`, `messages.0.content`), never voxq's.
 */
export function validateChatJob(job: unknown, body: Parameters<typeof openAiPath>[1]): JobRequest {
  const parsed = jobRequestSchema.safeParse(job);
  if (parsed.success) return parsed.data;
  const renamed = parsed.error.issues.map((issue) => ({
    ...issue,
    path: openAiPath(issue.path, body),
    ...(issue.code === 'unrecognized_keys' ? { keys: issue.keys.map((k) => String(openAiPath([...issue.path, k], body).at(-1))) } : {}),
  }));
  throw toValidationError(new z.ZodError(renamed as z.core.$ZodIssue[]));
}

/**
 * Refuses, before anything is queued, a request whose chat parameters no provider that may
 * serve it honours (a `logit_bias` pinned to Anthropic): 400 naming the first parameter
 * that rules every candidate out. A request no provider can serve for other reasons (its
 * language, `allowedProviders`) is left to the router, which says why.
 */
export function checkChatParams(
  runtime: ProviderRuntime,
  job: Extract<JobRequest, { type: 'complete' }>,
  /** How the request names a parameter: OpenAI's names here, voxq's on `/v1/jobs` (`input.logitBias`). */
  nameOf: (param: ChatParam) => string = (param) => OPENAI_PARAM_NAMES[param],
): void {
  const requested = requestedChatParams(job.input);
  if (requested.length === 0) return;
  const providers = runtime.registry.list('llm');
  const candidates = (chatParams: ChatParam[]) => selectCandidates(providers, 'llm', job.intent, job.constraints, { chatParams }).candidates;
  if (candidates(requested).length > 0 || candidates([]).length === 0) return;
  const blocking = requested.find((param) => candidates([param]).length === 0);
  const eligible = candidates([]).map((c) => c.provider.name);
  const pinned = job.constraints.models?.llm;
  const who = pinned ? `the model '${pinned}' (${eligible.join(', ')})` : `any configured chat provider (${eligible.join(', ')})`;
  if (blocking) {
    const name = nameOf(blocking);
    throw errors.invalidRequest(`${name} is not supported by ${who}; nothing was queued.`, name, 'unsupported_parameter');
  }
  const names = requested.map(nameOf);
  throw errors.invalidRequest(`No provider of ${who} supports ${names.join(' together with ')}; nothing was queued.`, names[0], 'unsupported_parameter');
}
