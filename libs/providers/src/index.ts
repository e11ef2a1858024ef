export type {
  CallContext,
  EmbeddingModelSpec,
  EmbeddingProvider,
  EmbeddingRequest,
  EmbeddingResponse,
  ImageModelSpec,
  ImageProvider,
  ImageRequest,
  ImageResponse,
  MadeImage,
  LlmDelta,
  LlmProvider,
  LlmRequest,
  LlmResponse,
  LlmSampling,
  Provider,
  ProviderOf,
  ProviderProfile,
  RealtimeProvider,
  RealtimeUpstream,
  SttProvider,
  SttRequest,
  SttResponse,
  TtsProvider,
  TtsRequest,
  TtsResponse,
} from './provider';
export { ProviderRegistry, VENDORS, createProviderRegistry, providerEnv } from './registry';
export { ProviderRouter } from './router';
export { createProviderRuntime, providerKey } from './provider-runtime';
export type { ProviderRuntime } from './provider-runtime';
export { scoreCandidates, WEIGHTS } from './scoring';
export type { ScoredCandidate, ScoreComponents } from './scoring';
export type { Availability, ProviderStateView } from './health/provider-states';
export type { HealthSample } from './health/provider-health';
export type { CallPlace, ProviderAttempt, ProviderCall, ProviderRouterOptions, RouteOptions, RoutedResult, RoutingRequest } from './router';
export { getScoresRun, SCORES_RUN_TTL_SECONDS, scoresRunSchema } from './scores-run';
export { translators } from './translation';
export { translates } from './candidates';
export type { ScoresRun } from './scores-run';
export { createOpenAiCompatibleLlm } from './openai-compatible/complete';
export type { OpenAiCompatibleOptions } from './openai-compatible/complete';
export { createOpenAiCompatibleEmbedding } from './openai-compatible/embed';
export type { OpenAiCompatibleEmbeddingOptions } from './openai-compatible/embed';
export { checkDimensions } from './openai-compatible/embed.mapper';
export { createOpenAiCompatibleImage } from './openai-compatible/image';
export type { OpenAiCompatibleImageOptions } from './openai-compatible/image';
export { checkImageParams, GENERIC_IMAGE_MODEL, imageParamProblems, type ImageParam, type ImageParamProblem } from './image-params';
export { createEspeakNgTts } from './espeak-ng/synthesize';
export type { EspeakNgOptions } from './espeak-ng/synthesize';
export { createPocketsphinxStt } from './pocketsphinx/transcribe';
export type { PocketsphinxOptions } from './pocketsphinx/transcribe';
export { Semaphore } from './shared/semaphore';
export { createSpeechTranscoder, isSpeechFormat } from './shared/transcode';
export type { SpeechTranscoder, SpeechTranscoderOptions, TranscodedSpeech } from './shared/transcode';
export { describeProviders, listModels, MODEL_CATALOG_CREATED } from './catalog';
export { resolveModel, retrieveModel, servesModel, type ResolvedModel } from './model-names';
export { hasVoice, OPENAI_VOICES, requestedChatParams, samplingOf, unsupportedChatParams } from './chat-params';
export { selectCandidates, type Requirements } from './candidates';
export { honoursInstructions, unusedSpeechParams, unusedTranscribeParams } from './speech-params';
export { resolvePrimaryModel, withPrimaryFirst, type PrimaryModelRequest } from './primary-model';
export { ScoresRunHandoff, type ScoresRunBatch } from './scores-run-handoff';
