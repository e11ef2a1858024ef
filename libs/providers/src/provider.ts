import type { AppError } from '@voxq/errors';
import type { Logger } from '@voxq/logging';
import type { Capability, ChatMessage, ChatTool, ChatToolCall, ImageInput, SpeechFormat, ToolChoice, TranscriptSegment, TranscriptWord } from '@voxq/contracts';
import type { ChatParam, CompleteInput, ExtraChoice, TokenLogprob } from '@voxq/contracts';

/** What every provider call receives besides its request. */
export interface CallContext {
  /** Aborted when the job is cancelled or the call times out. */
  signal: AbortSignal;
  logger: Logger;
  /**
   * Set when someone may read the reply as it is made: an LLM adapter that can stream asks
   * its upstream to, and hands over each piece as it arrives (it still returns the whole
   * reply). Adapters that cannot stream ignore it.
   */
  onDelta?: (delta: LlmDelta) => void;
}

/** A piece of an LLM reply as the upstream streamed it. */
export interface LlmDelta {
  /** The choice it belongs to (`n` > 1); 0 when absent. */
  index?: number;
  content?: string;
  toolCalls?: Array<{ index: number; id?: string; name?: string; args?: string }>;
  /** The log probabilities of this piece's tokens, when the request asked for them. */
  logprobs?: TokenLogprob[];
}

/** `responseFormat`, `n`, `stop`, `topP`, …: each adapter sends what its vendor honours (see `chatParams`). */
export type LlmSampling = Pick<CompleteInput, ChatParam>;

export interface LlmRequest extends LlmSampling {
  /** The model to use; the provider's default when absent. */
  model?: string;
  messages: ChatMessage[];
  systemPrompt?: string;
  temperature?: number;
  maxTokens?: number;
  reasoningEffort?: 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';
  tools?: ChatTool[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
}

export interface LlmResponse {
  text: string;
  model: string;
  usage: { promptTokens: number; completionTokens: number };
  finishReason: 'stop' | 'length' | 'tool_calls' | 'content_filter';
  toolCalls?: ChatToolCall[];
  /** Choice 0's token log probabilities, when `logprobs` was asked. */
  logprobs?: TokenLogprob[];
  /** With `n` > 1: choices 1 to n-1 (the fields above are choice 0, which the tool loop follows). */
  moreChoices?: ExtraChoice[];
}

export interface SttRequest {
  model?: string;
  audio: Buffer;
  contentType: string;
  /** BCP-47 tag from the intent. */
  language: string;
  /** The job keeps word timings: a vendor that charges or waits for them asks only then. */
  words?: boolean;
  /** Domain words to bias recognition toward, casing kept; sent only to providers with `keywords: true`. */
  keywords?: readonly string[];
}

export interface SttResponse {
  text: string;
  model: string;
  language?: string;
  confidence?: number;
  durationSeconds: number;
  /** Timed stretches of `text`, when the vendor reports timings. */
  segments?: TranscriptSegment[];
  /** Each word timed, when the vendor reports word timings. */
  words?: TranscriptWord[];
}

export interface TtsRequest {
  model?: string;
  text: string;
  voice?: string | null;
  speed: number;
  language: string;
  /**
   * The format the job wants. A provider that can produce it asks for it; one that cannot
   * answers its own, and the worker converts it.
   */
  format?: SpeechFormat;
  /** A speaking-style instruction; set only for a model that honours it (`honoursInstructions`). */
  instructions?: string;
}

export interface TtsResponse {
  audio: Buffer;
  /** e.g. `audio/wav`, `audio/mpeg`, `audio/pcm;rate=24000`. */
  contentType: string;
  model: string;
  durationSeconds?: number;
}

interface ProviderBase {
  /** Stable name used in constraints, results and metrics (`openai`, `espeak-ng`). */
  readonly name: string;
  /** Languages served (BCP-47 primary subtags, e.g. `en`), or `*` for any. */
  readonly languages: readonly string[] | '*';
  readonly defaultModel: string;
  /** The catalog entry the router ranks by; set by the registry. */
  readonly profile?: ProviderProfile;
  /** Its upstream is voxq's provider simulator (`npm start` without keys); set by the registry. */
  readonly simulated?: boolean;
}

export interface LlmProvider extends ProviderBase {
  readonly capability: 'llm';
  complete(request: LlmRequest, ctx: CallContext): Promise<LlmResponse>;
}

export interface SttProvider extends ProviderBase {
  readonly capability: 'stt';
  /**
   * It biases recognition toward the request's `keywords` (Whisper's prompt, Deepgram's
   * keyword boosting). Declared by the adapter that sends them, not the catalog, so a config
   * override cannot claim what the code does not do. Absent: a job's keywords are not sent to
   * it, and its result lists them in `unusedParams`.
   */
  readonly keywords?: true;
  transcribe(request: SttRequest, ctx: CallContext): Promise<SttResponse>;
  /**
   * The speech in English, whatever language it is spoken in (Whisper's translations).
   * Absent: the provider does not translate, and is no candidate for a translation.
   */
  translate?(request: SttRequest, ctx: CallContext): Promise<SttResponse>;
}

export interface TtsProvider extends ProviderBase {
  readonly capability: 'tts';
  synthesize(request: TtsRequest, ctx: CallContext): Promise<TtsResponse>;
}

export interface EmbeddingRequest {
  /** The model to use; the provider's default when absent. */
  model?: string;
  /** The texts, embedded in one call; the answer keeps their order. */
  input: string[];
  /** Shorter vectors, for models that can give them; the model's own length when absent. */
  dimensions?: number;
  /** The end user the texts come from, for the provider's abuse monitoring. */
  user?: string;
}

export interface EmbeddingResponse {
  /** One vector per input text, in order. */
  embeddings: number[][];
  model: string;
  usage: { promptTokens: number };
}

/** What voxq knows of an embedding model before calling it. */
export interface EmbeddingModelSpec {
  /** Length of its vectors, and the most `dimensions` may ask for. */
  maxDimensions: number;
  /** Whether it can shorten its vectors (`dimensions`); older models cannot. */
  shortens: boolean;
}

export interface EmbeddingProvider extends ProviderBase {
  readonly capability: 'embedding';
  /** The models it serves by name, with their limits (the catalog lists each); the default among them. */
  readonly models: Readonly<Record<string, EmbeddingModelSpec>>;
  embed(request: EmbeddingRequest, ctx: CallContext): Promise<EmbeddingResponse>;
}

/** An image request: the job's input, with the model to send it to. */
export interface ImageRequest extends Omit<ImageInput, 'n'> {
  model: string;
  n: number;
}

export interface MadeImage {
  data: Buffer;
  /** `image/png`, `image/jpeg` or `image/webp`, from the bytes themselves. */
  contentType: string;
  revisedPrompt?: string;
}

export interface ImageResponse {
  images: MadeImage[];
  model: string;
  size?: string;
  quality?: string;
  background?: string;
  outputFormat?: string;
  usage?: { inputTokens: number; outputTokens: number };
}

/**
 * What voxq knows of an image model before calling it: the parameters it takes and their
 * values (OpenAI's documentation per model). A job setting one it does not take is refused
 * before anything is called (`checkImageParams`), never sent without it.
 */
export interface ImageModelSpec {
  /** The `size`s it makes (`auto` among them when it sizes by itself); absent: any `WIDTHxHEIGHT`. */
  sizes?: readonly string[];
  /** The most images one call makes (`n`): 1 for DALL·E 3. */
  maxImages: number;
  /** The `quality` values it takes besides `auto`; empty: none but `auto`. */
  qualities: readonly string[];
  /** DALL·E 3's `style`s; absent: no `style`. */
  styles?: readonly string[];
  /** The GPT image models' `output_format`s; absent: PNG only, no `output_format`. */
  outputFormats?: readonly string[];
  /** It takes `background`, `moderation` and `output_compression` (the GPT image models). */
  gptImageParams?: boolean;
  /** Longest prompt, in characters. */
  maxPromptChars: number;
  /**
   * How OpenAI answers it when the request names no `response_format`: `url` for DALL·E,
   * `b64_json` for the GPT image models (which take no `response_format` upstream: voxq
   * stores the bytes and answers either form for every model).
   */
  defaultResponseFormat: 'url' | 'b64_json';
  /** Upstream it takes `response_format` (DALL·E): voxq asks for `b64_json`. */
  takesResponseFormat?: boolean;
}

export interface ImageProvider extends ProviderBase {
  readonly capability: 'image';
  /** The models it serves by name, with the parameters each takes (the catalog lists each); the default among them. */
  readonly models: Readonly<Record<string, ImageModelSpec>>;
  generate(request: ImageRequest, ctx: CallContext): Promise<ImageResponse>;
}

/** Where a realtime session opens upstream: the vendor's WebSocket URL and the headers of its handshake. */
export interface RealtimeUpstream {
  /** `wss://api.openai.com/v1/realtime?model=gpt-realtime` */
  url: string;
  headers: Record<string, string>;
}

/**
 * A vendor serving live sessions over a WebSocket (OpenAI's Realtime API). voxq does not run
 * them as jobs: the API relays the client's socket to the upstream one (`libs/realtime`),
 * which speaks the vendor's event protocol; the adapter only says where and how to connect.
 */
export interface RealtimeProvider extends ProviderBase {
  readonly capability: 'realtime';
  upstream(model: string): RealtimeUpstream;
  /** What a refused handshake means (the HTTP answer the upstream gave instead of upgrading). */
  handshakeError(status: number, body: string, retryAfter: string | null): AppError;
}

export type Provider = LlmProvider | SttProvider | TtsProvider | EmbeddingProvider | ImageProvider | RealtimeProvider;
export type ProviderOf<C extends Capability> = Extract<Provider, { capability: C }>;

/**
 * What the router knows of a provider before any live measurement: its catalog entry.
 * Each provider folder exports one per capability it serves (`profile.ts`); the config
 * file may override any field.
 */
export interface ProviderProfile {
  /** Relative quality for the capability, 0 to 1 (used by `optimizeFor: accuracy`). */
  quality: number;
  /** USD per unit: 1M tokens (llm, input and output blended; embedding, input), one audio minute (stt), 1M characters (tts), one image (image), one session minute (realtime). */
  costPerUnit: number;
  /** Typical latency of one call, before live measurements exist. */
  latencyMs: number;
  /** Verticals the provider is known to be tuned for (`healthcare`, `finance`, …). */
  verticals: readonly string[];
  /**
   * llm: the chat parameters the vendor honours beyond the core ones (`chat-params.ts`); a
   * job setting another (`logitBias` for Anthropic) is not sent to it. Absent: none.
   */
  chatParams?: readonly ChatParam[];
  /**
   * tts: the voices it has (OpenAI's `alloy`, …), or `any` for a vendor that takes its own
   * voice ids and checks them itself. Absent: `any`.
   */
  voices?: readonly string[] | 'any';
  /**
   * tts: the models that honour a free-text `instructions` (OpenAI's `gpt-4o-mini-tts`); a
   * dated snapshot of one (`gpt-4o-mini-tts-2025-03-20`) does too. Absent: none.
   */
  instructionModels?: readonly string[];
  /**
   * tts and realtime: the models it serves by name besides its default (OpenAI's `tts-1-hd`
   * and `gpt-4o-mini-tts`, ElevenLabs' `eleven_v3`, OpenAI's `gpt-realtime-mini`): a request
   * naming one gets that model from this provider. Absent: its default only.
   */
  speechModels?: readonly string[];
}
