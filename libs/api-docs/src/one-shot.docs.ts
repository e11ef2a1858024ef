import { chatCompletionRequestSchema, completeBodySchema, speechRequestSchema, synthesizeBodySchema, TRANSCRIPTION_FORMATS } from '@voxq/surfaces';
import {
  acceptEventStreamHeader,
  binaryAudio,
  eventStream,
  idempotencyKeyHeader,
  jsonHeaderParam,
  plainText,
  lastEventIdHeader,
  preferHeader,
  routingHeaders,
} from './common-docs';
import { Job } from './jobs.docs';
import { chatCompletionSchema, spekoCompletionSchema, spekoTranscriptionSchema, transcriptionSchema } from './response-schemas';
import { component, type HeaderDoc, type ResponseDoc, type RouteDoc } from './route-doc';

const pending: ResponseDoc = {
  description: 'Still queued or running after `API_SYNC_WAIT_MS` (or `Prefer: respond-async`): the job to poll.',
  content: { 'application/json': { schema: Job } },
  headers: { Location: '`/v1/jobs/{id}`', 'X-Voxq-Job-Id': 'The job.' },
};

const oneShotDescription =
  'Speko\'s wire, as its SDK speaks it (docs/speko.md): runs an ordinary job and waits for it as long as `API_SYNC_WAIT_MS` (10 minutes); past that the answer is `504 job_wait_timeout` naming the job, which goes on. `Prefer: respond-async` answers `202` with the job at once. A client that goes away first cancels the job (unless it sent an `Idempotency-Key`). Errors are Speko\'s `{error: "<message>", code: "<CODE>"}`.';
const eventsOrJson =
  'Server-sent events when `Accept` ranks `text/event-stream` first, or names neither it nor `application/json` and the caller is the Speko SDK (`User-Agent: @spekoai/sdk/…`); JSON otherwise.';

/** What synthesize's `model`, `instructions` and `spokenForm` do (the same on `POST /v1/jobs`). */
export const synthesizeOptionsDescription =
  "`model` (an upstream model such as `gpt-4o-mini-tts`, a `provider/model` pair or an alias) puts the provider serving it first, with that model; failover candidates keep their own models. A model no configured speech provider serves is `404 model_not_found`, one whose provider the request rules out (`constraints.allowedProviders`, the language) a `400`, before anything is queued. `instructions` (a speaking style, up to 4096 characters) go only to models that take them (OpenAI `gpt-4o-mini-tts`); when the model that ran does not, the job still succeeds and says so: the result's `unusedParams` and the `X-Voxq-Unused-Params` header. `spokenForm: true` rewrites the text as it is read aloud before any provider sees it (markdown, URLs and e-mail addresses; for English also numbers, amounts, percentages, times, years, ordinals and abbreviations); the result's `spokenForm` says `full` or `partial` (another language: the language-neutral rules only). Default: the literal text.";

/** The Speko SDK's `transcribe` options header: keywords to bias recognition toward (a job's `input.keywords`). */
const sttOptionsHeader: HeaderDoc = {
  name: 'x-speko-stt-options',
  description:
    'The SDK\'s transcribe options, as JSON: `{"keywords": ["Acme", "Dr. Chen"]}` (1 to 100 non-empty strings of up to 100 characters, casing kept). Sent to the provider that runs in its terms (Whisper: the comma-joined `prompt`, capped at 600 characters; Deepgram: `keywords` on nova-2, `keyterm` on nova-3); a provider that takes none (pocketsphinx) still transcribes, and the answer says so: `unusedParams: ["keywords"]` and `X-Voxq-Unused-Params`. Any other field, or a malformed value, is a `400`.',
  schema: { type: 'string', contentMediaType: 'application/json' },
};

// Errors of a one-shot route: bad input, the job's own failure (by its error type), no provider.
const oneShotErrors = [400, 402, 404, 409, 413, 415, 500, 502, 503];

const asyncPending: ResponseDoc = { ...pending, description: 'Only with `Prefer: respond-async`: the job to poll, at once.' };
// Speko's routes wait long, so they may also time out.
const spekoErrors = [...oneShotErrors, 504];
const openAiDescription =
  'Runs an ordinary job and waits for it as long as the official SDKs do (`API_OPENAI_WAIT_MS`, 10 minutes); past that the answer is `504 job_wait_timeout` naming the job, which goes on. `Prefer: respond-async` answers `202` with the job at once.';
// The OpenAI routes wait longer, so they may also time out.
const openAiErrors = [...oneShotErrors, 504];

export const chatCompletionExample = {
  summary: 'A chat completion',
  value: {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'You are concise.' },
      { role: 'user', content: 'Hi!' },
    ],
    temperature: 0.2,
  },
};

export const speechExample = { summary: 'Text to speech', value: { model: 'tts-1', input: 'Hello from voxq.', voice: 'alloy' } };

const transcriptionForm = {
  type: 'object',
  required: ['file'],
  properties: {
    file: { type: 'string', contentMediaType: 'application/octet-stream', description: 'The audio file.' },
    model: { type: 'string', description: 'A configured model or alias pins its provider; any other is 404 `model_not_found`.' },
    language: { type: 'string', description: 'BCP-47 language of the audio (transcriptions only).' },
    response_format: { type: 'string', enum: [...TRANSCRIPTION_FORMATS], default: 'json' },
    'timestamp_granularities[]': {
      type: 'array',
      items: { type: 'string', enum: ['segment', 'word'] },
      description: '`verbose_json` only (transcriptions): `segments` and/or `words` (`[{word, start, end}]`); default `segment`.',
    },
  },
};

const transcriptionResponse = (what: string): ResponseDoc => ({
  description: `The ${what}: JSON for \`json\` and \`verbose_json\`, plain text for \`text\`, \`srt\` and \`vtt\`.`,
  content: { 'application/json': { schema: component('Transcription', transcriptionSchema) }, 'text/plain': { schema: plainText } },
  headers: routingHeaders,
});

export const oneShotDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/transcribe',
    operationId: 'transcribe',
    tag: 'One-shot (Speko)',
    summary: 'Speech to text, answered when done',
    description: `The audio is the body; the intent and constraints are JSON headers. ${oneShotDescription} ${eventsOrJson} Events: \`meta\`, \`transcript\`, then \`done\` or \`error\`.`,
    auth: true,
    envelope: 'speko',
    headers: [
      jsonHeaderParam('x-speko-intent', 'The routing intent'),
      jsonHeaderParam('x-speko-constraints', 'The constraints'),
      sttOptionsHeader,
      idempotencyKeyHeader,
      preferHeader,
      acceptEventStreamHeader,
    ],
    body: { required: true, content: { 'audio/*': { schema: binaryAudio }, 'application/octet-stream': { schema: binaryAudio } } },
    responses: {
      200: {
        description: 'The transcript and which provider made it.',
        content: { 'application/json': { schema: component('SpekoTranscription', spekoTranscriptionSchema) }, 'text/event-stream': { schema: eventStream } },
        headers: routingHeaders,
      },
      202: asyncPending,
    },
    errors: spekoErrors,
  },
  {
    method: 'post',
    path: '/v1/synthesize',
    operationId: 'synthesize',
    tag: 'One-shot (Speko)',
    summary: 'Text to speech, answered with the audio',
    description: `${oneShotDescription} Server-sent events only for an \`Accept\` that names \`text/event-stream\`: the \`done\` event carries the result with its download URL instead of the bytes. ${synthesizeOptionsDescription}`,
    auth: true,
    envelope: 'speko',
    headers: [idempotencyKeyHeader, preferHeader, acceptEventStreamHeader],
    body: {
      required: true,
      content: {
        'application/json': {
          schema: component('SpekoSynthesizeRequest', synthesizeBodySchema),
          examples: {
            hello: { summary: 'Hello', value: { text: 'Hello from voxq.', intent: { language: 'en-US' } } },
            styled: {
              summary: 'A named model, a speaking style, and the text read as spoken',
              value: { text: 'Your total is $12.50, due by 3:30pm.', model: 'gpt-4o-mini-tts', instructions: 'Warm and unhurried.', spokenForm: true },
            },
          },
        },
      },
    },
    responses: {
      200: {
        description:
          'The audio: in `format` when given (converted by the worker with ffmpeg when the provider cannot make it), else as its provider produced it.',
        content: { 'audio/*': { schema: binaryAudio }, 'text/event-stream': { schema: eventStream } },
        headers: routingHeaders,
      },
      202: asyncPending,
    },
    errors: spekoErrors,
  },
  {
    method: 'post',
    path: '/v1/complete',
    operationId: 'complete',
    tag: 'One-shot (Speko)',
    summary: 'An LLM completion, answered when done',
    description: `${oneShotDescription} ${eventsOrJson} Without events, a webhook-mode tool or an \`Idempotency-Key\`, the api calls the provider itself instead of queueing the job (docs/architecture.md, "Synchronous calls"). Events: \`meta\` as each reply starts (provider, model, \`failoverCount\`, \`totalFailoverCount\`, \`scoresRunId\`, tool-loop \`hop\`), a \`delta\` per piece of text as the provider makes it, \`server_tool_call\` as each server-side call starts and answers (\`status\`), the client's \`tool_call\`s and \`done\` (or \`error\`, \`STREAM_INTERRUPTED\` when the provider fails after pieces were sent).`,
    auth: true,
    envelope: 'speko',
    headers: [idempotencyKeyHeader, preferHeader, acceptEventStreamHeader],
    body: {
      required: true,
      content: {
        'application/json': {
          schema: component('SpekoCompleteRequest', completeBodySchema),
          examples: { hi: { summary: 'Hi', value: { messages: [{ role: 'user', content: 'Hi!' }], systemPrompt: 'You are concise.' } } },
        },
      },
    },
    responses: {
      200: {
        description: 'The completion and which provider made it.',
        content: { 'application/json': { schema: component('SpekoCompletion', spekoCompletionSchema) }, 'text/event-stream': { schema: eventStream } },
        headers: routingHeaders,
      },
      202: asyncPending,
    },
    errors: spekoErrors,
  },
  {
    method: 'post',
    path: '/v1/chat/completions',
    operationId: 'createChatCompletion',
    tag: 'OpenAI-compatible',
    summary: "OpenAI's chat completions",
    description: `Every OpenAI parameter reaches a provider that honours it (\`response_format\`, \`n\`, \`stop\`, \`seed\`, \`top_p\`, penalties, \`logit_bias\`, \`logprobs\`, \`user\`, \`metadata\`, …); a provider that cannot is not a candidate, and when none remains (or the model pins one) the answer is 400 naming the parameter, nothing queued. \`audio\`, audio \`modalities\`, \`functions\` and \`moderation\` are refused by name. A \`model\` that is not configured (nor an alias) is 404 \`model_not_found\`. Errors name the request's fields. Other unknown fields are ignored, as OpenAI-compatible servers do; \`stream: true\` answers \`chat.completion.chunk\` events as the provider makes the tokens, ending \`data: [DONE]\`, or an error event (\`stream_interrupted\` when the provider fails after tokens were sent; docs/streaming.md). Without \`stream\`, a webhook, webhook-mode tools or an \`Idempotency-Key\`, the api calls the provider itself instead of queueing the job, and writes the job as it ends (docs/architecture.md, "Synchronous calls"); a try a retry may mend is queued. ${openAiDescription}`,
    auth: true,
    envelope: 'openai',
    headers: [idempotencyKeyHeader, preferHeader, lastEventIdHeader],
    body: {
      required: true,
      content: { 'application/json': { schema: component('ChatCompletionRequest', chatCompletionRequestSchema), examples: { hi: chatCompletionExample } } },
    },
    responses: {
      200: {
        description: 'A `chat.completion` (or, with `stream`, its chunks as server-sent events).',
        content: { 'application/json': { schema: component('ChatCompletion', chatCompletionSchema) }, 'text/event-stream': { schema: eventStream } },
        headers: routingHeaders,
      },
      202: asyncPending,
    },
    errors: openAiErrors,
  },
  {
    method: 'post',
    path: '/v1/audio/speech',
    operationId: 'createSpeech',
    tag: 'OpenAI-compatible',
    summary: "OpenAI's text to speech",
    description: `A \`model\` that is not configured (nor an alias) is 404 \`model_not_found\`. \`voice\` goes only to providers that have it (OpenAI's names to OpenAI's speech); none: 400 naming \`voice\`. \`response_format\` (default \`mp3\`) is honoured: the provider makes the format when it can, else the worker converts with ffmpeg; \`Content-Type\` is \`audio/mpeg\`, \`audio/ogg\` (opus), \`audio/aac\`, \`audio/flac\`, \`audio/wav\` or \`audio/pcm;rate=24000\` (raw 16-bit mono). Another format is a 400 naming \`response_format\`. ${openAiDescription}`,
    auth: true,
    envelope: 'openai',
    headers: [idempotencyKeyHeader, preferHeader],
    body: { required: true, content: { 'application/json': { schema: component('SpeechRequest', speechRequestSchema), examples: { hello: speechExample } } } },
    responses: {
      200: { description: 'The audio, in `response_format`.', content: { 'audio/*': { schema: binaryAudio } }, headers: routingHeaders },
      202: asyncPending,
    },
    errors: openAiErrors,
  },
  {
    method: 'post',
    path: '/v1/audio/transcriptions',
    operationId: 'createTranscription',
    tag: 'OpenAI-compatible',
    summary: "OpenAI's speech to text",
    description: openAiDescription,
    auth: true,
    envelope: 'openai',
    headers: [idempotencyKeyHeader, preferHeader],
    body: { required: true, content: { 'multipart/form-data': { schema: transcriptionForm } } },
    responses: { 200: transcriptionResponse('transcript'), 202: asyncPending },
    errors: openAiErrors,
  },
  {
    method: 'post',
    path: '/v1/audio/translations',
    operationId: 'createTranslation',
    tag: 'OpenAI-compatible',
    summary: "OpenAI's translation to English",
    description: `Runs on providers that translate (OpenAI's and Groq's Whisper translations endpoint); when none is configured, or \`model\` pins one that does not, the answer is a 400 \`no_translation_provider\`, never a transcript. ${openAiDescription}`,
    auth: true,
    envelope: 'openai',
    headers: [idempotencyKeyHeader, preferHeader],
    body: { required: true, content: { 'multipart/form-data': { schema: transcriptionForm } } },
    responses: { 200: transcriptionResponse('English translation'), 202: asyncPending },
    errors: openAiErrors,
  },
];
