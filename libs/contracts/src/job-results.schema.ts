import { z } from 'zod';
import { tokenLogprobSchema } from './chat-params.schema';
import { chatToolCallSchema } from './chat.schema';

/** What every result says about how it was produced (seed 000's routing fields). */
const provenance = {
  provider: z.string(),
  model: z.string(),
  /** Providers tried before the one that succeeded. */
  failoverCount: z.number().int().min(0),
  scoresRunId: z.string().nullable(),
  /** Every provider called, in order, with its error when it failed. */
  providerAttempts: z
    .array(
      z.strictObject({
        provider: z.string(),
        model: z.string(),
        ms: z.number().min(0),
        error: z.strictObject({ code: z.string(), message: z.string() }).optional(),
      }),
    )
    .optional(),
  timings: z.strictObject({
    /** From submission to the start of the attempt that succeeded. */
    queuedMs: z.number().min(0),
    /** The successful attempt, failovers included. */
    processingMs: z.number().min(0),
    /** The call to the provider that succeeded. */
    providerMs: z.number().min(0),
  }),
};

/** A tool call voxq ran server-side (webhook or builtin), with the answer the model saw. */
export const serverToolCallSchema = z.strictObject({
  hop: z.number().int().min(1),
  id: z.string(),
  name: z.string(),
  args: z.string(),
  executionMode: z.enum(['webhook', 'builtin']),
  responseMode: z.enum(['sync', 'async']).optional(),
  content: z.string(),
  isError: z.boolean(),
});
export type ServerToolCall = z.infer<typeof serverToolCallSchema>;

export const usageSchema = z.strictObject({
  promptTokens: z.number().int().min(0),
  completionTokens: z.number().int().min(0),
});

/** A choice after the first, when `n` > 1. */
export const extraChoiceSchema = z.strictObject({
  text: z.string(),
  finishReason: z.enum(['stop', 'length', 'tool_calls', 'content_filter']),
  toolCalls: z.array(chatToolCallSchema).optional(),
  logprobs: z.array(tokenLogprobSchema).optional(),
});
export type ExtraChoice = z.infer<typeof extraChoiceSchema>;

export const completeResultSchema = z.strictObject({
  ...provenance,
  text: z.string(),
  usage: usageSchema,
  finishReason: z.enum(['stop', 'length', 'tool_calls', 'content_filter']),
  /** Inline tool calls for the client to answer with `tool` messages. */
  toolCalls: z.array(chatToolCallSchema).optional(),
  /** The webhook and builtin tool calls voxq ran for the model, hop by hop. */
  serverToolCalls: z.array(serverToolCallSchema).optional(),
  /** The first choice's token log probabilities, when `logprobs` was asked. */
  logprobs: z.array(tokenLogprobSchema).optional(),
  /** With `n` > 1: choices 1 to n-1 (the fields above are choice 0). */
  moreChoices: z.array(extraChoiceSchema).optional(),
});
export type CompleteResult = z.infer<typeof completeResultSchema>;

/** Synthesize parameters only some providers or models honour; a job may set them for any. */
export const SPEECH_OPTIONAL_PARAMS = ['instructions'] as const;
export type SpeechOptionalParam = (typeof SPEECH_OPTIONAL_PARAMS)[number];

export const synthesizeResultSchema = z.strictObject({
  ...provenance,
  audio: z.strictObject({
    /** Where to download the audio with an API key: `GET /v1/jobs/:id/result` (streamed from S3). */
    url: z.string(),
    /** The object in the voxq bucket: `tenants/<tenantId>/results/<jobId>.<ext>`. */
    key: z.string().optional(),
    contentType: z.string(),
    bytes: z.number().int().min(0),
    durationSeconds: z.number().min(0).optional(),
    /**
     * A direct, unauthenticated download from S3, valid until `presignedUrlExpiresAt`
     * (`S3_PRESIGN_TTL_SECONDS` after the job finished); after that use `url`.
     */
    presignedUrl: z.string().optional(),
    presignedUrlExpiresAt: z.string().optional(),
  }),
  usage: z.strictObject({ characters: z.number().int().min(0) }),
  /** Parameters the job set that the provider and model that ran do not honour (`instructions`): accepted, not sent. */
  unusedParams: z.array(z.enum(SPEECH_OPTIONAL_PARAMS)).optional(),
  /**
   * With `spokenForm: true`, how much of it applied: `full` (English: every rule) or `partial`
   * (another language: markdown, URLs and e-mail addresses only; numbers and abbreviations stay as written).
   */
  spokenForm: z.enum(['full', 'partial']).optional(),
});
export type SynthesizeResult = z.infer<typeof synthesizeResultSchema>;

/** A stretch of the transcript with when it was spoken, in seconds from the start of the audio. */
export const transcriptSegmentSchema = z.strictObject({
  start: z.number().min(0),
  end: z.number().min(0),
  text: z.string(),
});
export type TranscriptSegment = z.infer<typeof transcriptSegmentSchema>;

/** One word of the transcript with when it was spoken, in seconds from the start of the audio. */
export const transcriptWordSchema = z.strictObject({
  word: z.string(),
  start: z.number().min(0),
  end: z.number().min(0),
});
export type TranscriptWord = z.infer<typeof transcriptWordSchema>;

/** Transcribe parameters only some providers honour; a job may set them for any. */
export const TRANSCRIBE_OPTIONAL_PARAMS = ['keywords'] as const;
export type TranscribeOptionalParam = (typeof TRANSCRIBE_OPTIONAL_PARAMS)[number];

export const transcribeResultSchema = z.strictObject({
  ...provenance,
  text: z.string(),
  language: z.string().optional(),
  confidence: z.number().min(0).max(1).optional(),
  usage: z.strictObject({ audioSeconds: z.number().min(0) }),
  /**
   * The transcript in timed stretches, in order, when the provider reports timings (Whisper
   * segments, Deepgram utterances, pocketsphinx utterances). Absent from providers without
   * timings and from results stored before voxq kept them.
   */
  segments: z.array(transcriptSegmentSchema).optional(),
  /** Each word timed, when the job asked for them (`input.words`) and its provider reports them. */
  words: z.array(transcriptWordSchema).optional(),
  /** Parameters the job set that the provider that ran does not honour (`keywords`): accepted, not sent. */
  unusedParams: z.array(z.enum(TRANSCRIBE_OPTIONAL_PARAMS)).optional(),
});
export type TranscribeResult = z.infer<typeof transcribeResultSchema>;

export const embedResultSchema = z.strictObject({
  ...provenance,
  /** One vector per input text, in the order of `input`. */
  embeddings: z.array(z.array(z.number())),
  usage: z.strictObject({ promptTokens: z.number().int().min(0) }),
});
export type EmbedResult = z.infer<typeof embedResultSchema>;

/** One image an `image` job made: the object in S3, never its bytes. */
export const generatedImageSchema = z.strictObject({
  /** The object in the voxq bucket: `tenants/<tenantId>/results/<jobId>-<index>.<ext>`. */
  key: z.string(),
  contentType: z.string(),
  bytes: z.number().int().min(0),
  /**
   * A direct, unauthenticated download from S3, valid until `presignedUrlExpiresAt`
   * (`S3_PRESIGN_TTL_SECONDS` after the job finished); the OpenAI route signs a fresh one.
   */
  presignedUrl: z.string().optional(),
  presignedUrlExpiresAt: z.string().optional(),
  /** The prompt the model actually drew, when it rewrites prompts (DALL·E 3). */
  revisedPrompt: z.string().optional(),
});
export type GeneratedImage = z.infer<typeof generatedImageSchema>;

export const imageResultSchema = z.strictObject({
  ...provenance,
  /** In the order the provider made them. */
  images: z.array(generatedImageSchema).min(1),
  /** What the provider reported making, when it did (the GPT image models do). */
  size: z.string().optional(),
  quality: z.string().optional(),
  background: z.string().optional(),
  outputFormat: z.string().optional(),
  usage: z.strictObject({
    images: z.number().int().min(0),
    /** Token counts, from models that report them (the GPT image models). */
    inputTokens: z.number().int().min(0).optional(),
    outputTokens: z.number().int().min(0).optional(),
  }),
});
export type ImageResult = z.infer<typeof imageResultSchema>;
