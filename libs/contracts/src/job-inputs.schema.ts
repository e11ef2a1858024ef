import { z } from 'zod';
import { chatMessageSchema, chatToolSchema, toolChoiceSchema } from './chat.schema';
import { chatSamplingFields } from './chat-params.schema';
import { uploadIdSchema } from './upload.schema';

/** `complete`: LLM chat (seed 001 `CompleteParams`). */
export const completeInputSchema = z.strictObject({
  messages: z.array(chatMessageSchema).min(1).max(2048),
  /** Shortcut for a leading system message; adapters with a system channel use it natively. */
  systemPrompt: z.string().max(200_000).optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().min(1).max(1_000_000).optional(),
  reasoningEffort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).optional(),
  tools: z.array(chatToolSchema).max(128).optional(),
  toolChoice: toolChoiceSchema.optional(),
  parallelToolCalls: z.boolean().optional(),
  maxToolHops: z.number().int().min(1).max(16).default(8),
  ...chatSamplingFields,
  /**
   * Ask the provider to stream and publish the reply as it is made: `delta` events on
   * `GET /v1/jobs/:id/events` (the OpenAI and Speko streaming routes set it themselves).
   */
  stream: z.boolean().optional(),
});
export type CompleteInput = z.infer<typeof completeInputSchema>;

/**
 * The audio formats a `synthesize` job can answer in (OpenAI's speech `response_format`s):
 * `opus` is Ogg Opus, `aac` ADTS, `pcm` raw 24 kHz 16-bit signed little-endian mono.
 */
export const SPEECH_FORMATS = ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'] as const;
export const speechFormatSchema = z.enum(SPEECH_FORMATS);
export type SpeechFormat = z.infer<typeof speechFormatSchema>;

/** The Content-Type of each speech format, as the result and the HTTP answer carry it. */
export const SPEECH_FORMAT_TYPES: Readonly<Record<SpeechFormat, string>> = {
  mp3: 'audio/mpeg',
  opus: 'audio/ogg',
  aac: 'audio/aac',
  flac: 'audio/flac',
  wav: 'audio/wav',
  pcm: 'audio/pcm;rate=24000',
};

/** Longest speaking-style instruction, OpenAI's own limit on speech `instructions`. */
export const MAX_SPEECH_INSTRUCTIONS_CHARS = 4096;

/** `synthesize`: text to speech (seed 000). */
export const synthesizeInputSchema = z.strictObject({
  text: z.string().trim().min(1, 'must not be empty').max(20_000),
  /** Provider voice id; null or absent picks the provider's default for the language. */
  voice: z.string().min(1).max(128).nullable().optional(),
  speed: z.number().min(0.25).max(4).default(1),
  /** The audio format wanted; absent: whatever the provider produces (see the result's `contentType`). */
  format: speechFormatSchema.optional(),
  /**
   * An upstream model (`gpt-4o-mini-tts`, `eleven_multilingual_v2`), a `provider/model` pair or
   * an alias: the provider serving it is tried first, with it; failover candidates keep their
   * own models. One no configured speech provider serves is a 404 `model_not_found`.
   */
  model: z.string().min(1).max(128).optional(),
  /**
   * A free-text speaking style ("calm, slower"), sent only to models that honour it (OpenAI
   * `gpt-4o-mini-tts`); when the one that ran does not, the result lists it in `unusedParams`.
   */
  instructions: z.string().trim().min(1, 'must not be empty').max(MAX_SPEECH_INSTRUCTIONS_CHARS).optional(),
  /**
   * Read the text as it would be spoken before synthesis (markdown, URLs, numbers, currency,
   * abbreviations): see the result's `spokenForm`. Absent or false: the literal text.
   */
  spokenForm: z.boolean().optional(),
});
export type SynthesizeInput = z.infer<typeof synthesizeInputSchema>;

/** Most texts one `embed` job may carry (OpenAI's limit per request). */
export const MAX_EMBED_INPUTS = 2048;
/**
 * Longest text to embed, in characters. A bound on what a job carries, not a token count:
 * a text past its model's token limit is refused by the provider (`provider_rejected_input`).
 */
export const MAX_EMBED_INPUT_CHARS = 50_000;
/** Most characters one `embed` job carries in all, so a job stays a small Redis value. */
export const MAX_EMBED_TOTAL_CHARS = 2_000_000;

const embedTextSchema = z.string().min(1, 'must not be empty').max(MAX_EMBED_INPUT_CHARS);

/** `embed`: text to vectors (OpenAI's embeddings). */
export const embedInputSchema = z.strictObject({
  /** One text, or several embedded in one call (the result keeps their order). */
  input: z.union([
    embedTextSchema,
    z
      .array(embedTextSchema)
      .min(1, 'must not be empty')
      .max(MAX_EMBED_INPUTS)
      .refine((texts) => texts.reduce((sum, t) => sum + t.length, 0) <= MAX_EMBED_TOTAL_CHARS, `must hold at most ${MAX_EMBED_TOTAL_CHARS} characters in all`),
  ]),
  /** Length of each vector, for models that can shorten theirs (`text-embedding-3-*`); the model's own length when absent. */
  dimensions: z.number().int().min(1).max(65_536).optional(),
  /** The end user the texts come from, passed to providers that take it (OpenAI's `user`, for abuse monitoring). */
  user: z.string().min(1).max(256).optional(),
});
export type EmbedInput = z.infer<typeof embedInputSchema>;

/** The formats an image can be made in (OpenAI's `output_format`s), each with its Content-Type. */
export const IMAGE_FORMATS = ['png', 'jpeg', 'webp'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];
export const IMAGE_FORMAT_TYPES: Readonly<Record<ImageFormat, string>> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

/** Every `quality` some image model takes (OpenAI's: `standard`/`hd` for DALL·E 3, `low`…`high` for the GPT image models). */
export const IMAGE_QUALITIES = ['auto', 'standard', 'hd', 'low', 'medium', 'high'] as const;
export type ImageQuality = (typeof IMAGE_QUALITIES)[number];

/** Most images one `image` job makes (OpenAI's `n` limit). */
export const MAX_IMAGES_PER_JOB = 10;
/** Longest prompt any image model takes (the GPT image models' 32,000); each model's own limit is checked against its spec. */
export const MAX_IMAGE_PROMPT_CHARS = 32_000;

/**
 * `image`: a prompt to images (OpenAI's image generations). Which of these a model takes is
 * the model's business (`ImageModelSpec`): a job setting one its model does not take is
 * refused, never sent without it. The images go to S3; the job carries none of their bytes.
 */
export const imageInputSchema = z.strictObject({
  prompt: z.string().trim().min(1, 'must not be empty').max(MAX_IMAGE_PROMPT_CHARS),
  n: z.number().int().min(1).max(MAX_IMAGES_PER_JOB).default(1),
  /** `WIDTHxHEIGHT` (`1024x1024`) or `auto`; absent: the model's default. */
  size: z
    .string()
    .regex(/^(auto|[1-9]\d{1,4}x[1-9]\d{1,4})$/, 'must be WIDTHxHEIGHT (such as 1024x1024) or auto')
    .optional(),
  quality: z.enum(IMAGE_QUALITIES).optional(),
  /** DALL·E 3's `vivid` or `natural`. */
  style: z.enum(['vivid', 'natural']).optional(),
  /** The GPT image models' background; `transparent` needs `png` or `webp`. */
  background: z.enum(['transparent', 'opaque', 'auto']).optional(),
  /** The GPT image models' file format; absent: PNG. */
  outputFormat: z.enum(IMAGE_FORMATS).optional(),
  /** 0-100, for `jpeg` and `webp` from the GPT image models. */
  outputCompression: z.number().int().min(0).max(100).optional(),
  /** The GPT image models' content moderation level. */
  moderation: z.enum(['low', 'auto']).optional(),
  /** The end user the prompt comes from, passed to providers that take it (OpenAI's `user`, for abuse monitoring). */
  user: z.string().min(1).max(256).optional(),
});
export type ImageInput = z.infer<typeof imageInputSchema>;

const AUDIO_TYPES = /^(audio\/[\w.+-]+|application\/octet-stream)(;.*)?$/i;
export const audioContentTypeSchema = z.string().max(128).regex(AUDIO_TYPES, 'must be an audio content type such as audio/wav');

/** Audio sent inline in JSON, base64-encoded. */
export const inlineAudioInputSchema = z.strictObject({
  data: z.base64('must be base64-encoded audio').min(4, 'must not be empty'),
  contentType: audioContentTypeSchema.default('audio/wav'),
});

/**
 * Audio named by reference, resolved when the job is submitted: an upload of the tenant's
 * (`POST /v1/uploads`), an `s3://bucket/key` object the tenant may read, or an `https://`
 * URL that voxq fetches (through the SSRF guard) into its bucket first.
 */
export const audioReferenceInputSchema = z.union([
  z.strictObject({ uploadId: uploadIdSchema }),
  z.strictObject({
    url: z
      .string()
      .max(2048)
      .regex(/^(s3|https?):\/\/\S+$/i, 'must be an s3://bucket/key or https:// URL'),
  }),
]);
export type AudioReferenceInput = z.infer<typeof audioReferenceInputSchema>;

/** Most keywords one `transcribe` job may carry, and the longest one (Deepgram's keyword boosting and AssemblyAI's key terms stay well inside both). */
export const MAX_TRANSCRIBE_KEYWORDS = 100;
export const MAX_TRANSCRIBE_KEYWORD_CHARS = 100;

/**
 * Domain words to bias recognition toward (`Acme`, `Dr. Chen`): trimmed, casing kept (it
 * matters for proper nouns). 100 of 100 characters at most, so a job stays a small Redis value.
 */
export const transcribeKeywordsSchema = z
  .array(z.string().trim().min(1, 'must not be empty').max(MAX_TRANSCRIBE_KEYWORD_CHARS))
  .min(1, 'must not be empty')
  .max(MAX_TRANSCRIBE_KEYWORDS);

/** What a `transcribe` job asks besides the audio, the same in the request and in the queue. */
const transcribeOptions = {
  /**
   * `translate`: the speech in English, whatever language it is spoken in (Whisper's
   * translations); only providers that translate are candidates. Absent: `transcribe`.
   */
  task: z.enum(['transcribe', 'translate']).optional(),
  /** Keep the words' timings in the result (`words`), from providers that report them. */
  words: z.boolean().optional(),
  /**
   * Domain keywords, sent to providers that take them (Whisper as its `prompt`, Deepgram as
   * `keywords` or `keyterm`); when the one that ran does not, the result lists them in `unusedParams`.
   */
  keywords: transcribeKeywordsSchema.optional(),
};

/** `transcribe` as submitted in JSON: the audio inline, or a reference to it. */
export const transcribeRequestInputSchema = z.strictObject({
  audio: z.union([inlineAudioInputSchema, ...audioReferenceInputSchema.options], {
    error: 'must be {data, contentType} (base64 audio), {uploadId} or {url} (s3:// or https://)',
  }),
  ...transcribeOptions,
});
export type TranscribeRequestInput = z.infer<typeof transcribeRequestInputSchema>;

/**
 * Audio as a job carries it: a reference to an object in S3, never the bytes, so queues stay
 * small and fast whatever the size of the recording (and audio never sits in Redis).
 */
export const audioRefSchema = z.strictObject({
  /** The object's key, `tenants/<tenantId>/...` for everything voxq stores. */
  key: z.string().min(1).max(1024),
  /** Absent: the configured bucket (`S3_BUCKET`). */
  bucket: z.string().min(3).max(63).optional(),
  contentType: z.string().min(1),
  bytes: z.number().int().min(0),
});
export type AudioRef = z.infer<typeof audioRefSchema>;

/** `transcribe` as a job carries it. */
export const transcribeInputSchema = z.strictObject({ audio: audioRefSchema, ...transcribeOptions });
export type TranscribeInput = z.infer<typeof transcribeInputSchema>;
