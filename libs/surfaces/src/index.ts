// Wire surfaces: the OpenAI- and Speko-shaped requests and answers, mapped to and from voxq
// jobs. No HTTP here: the routes in @voxq/api and the batch runner in @voxq/batches share them.
export { pinModel } from './pin-model';
export { routingHeaders, type Provenance } from './routing-headers';
export { ChatChunkStream, type ChunkStep } from './openai/chat-stream';
export {
  chatCompletion,
  chatCompletionChunks,
  chatCompletionRequestSchema,
  chatSubmission,
  completeRequest,
  type ChatCompletionRequest,
} from './openai/chat-completions';
export { checkChatParams, OPENAI_PARAM_NAMES, openAiPath } from './openai/chat-params';
export {
  embeddingsList,
  embeddingsListOf,
  embeddingsRequest,
  embeddingsRequestSchema,
  modelNotFound,
  type EmbeddingsFormat,
  type EmbeddingsRequest,
} from './openai/embeddings';
export {
  imagesFormatOf,
  imagesRequest,
  imagesRequestSchema,
  imagesResponse,
  type ImageAnswerOptions,
  type ImageJobRequest,
  type ImagesFormat,
  type ImagesRequest,
} from './openai/images';
export { modelsQuerySchema } from './openai/models.schema';
export { openAiErrorBody } from './openai/openai-error';
export { speechReference, speechRequest, speechRequestSchema, speechSubmission, type SpeechRequest } from './openai/speech';
export { renderTranscription, TRANSCRIPTION_FORMATS, type TranscriptionFormat } from './openai/transcription-formats';
export {
  audioTypeOf,
  timestampGranularitiesOf,
  TIMESTAMP_GRANULARITIES,
  transcriptionFormatOf,
  transcriptionLineSchema,
  transcriptionRequest,
  type TimestampGranularity,
  type TranscriptionFields,
} from './openai/transcriptions';
export { completeBodySchema, sessionIdSchema, sttOptionsHeaderSchema, synthesizeBodySchema } from './speko/one-shot.schema';
export { completeView, provenanceOf, transcribeView } from './speko/one-shot-views';
export { isSpekoSdk, SPEKO_ONE_SHOT_PATHS, spekoAnswerForm, spekoErrorBody } from './speko/speko-wire';
export { checkImageJob } from './image-check';
export { checkSynthesizeJob } from './synthesize-check';
