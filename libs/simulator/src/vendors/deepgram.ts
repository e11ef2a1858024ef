import { randomUUID } from 'node:crypto';
import { headerValue, INVALID_KEY, json, retryAfterHeader, type SimRequest, type SimResponse, type SimVendor } from '../vendor';
import { SIMULATED_CONFIDENCE, simulatedHearing, simulatedPhrases, type SimulatedWord } from './openai-transcriptions';

const ERROR_CODES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'INVALID_AUTH',
  402: 'ASR_PAYMENT_REQUIRED',
  403: 'INSUFFICIENT_PERMISSIONS',
  404: 'NOT_FOUND',
  429: 'TOO_MANY_REQUESTS',
};

/** Deepgram's error envelope: `{ err_code, err_msg, request_id }`. */
function deepgramError(status: number, message: string, retryAfterSeconds?: number): SimResponse {
  const code = ERROR_CODES[status] ?? (status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'Bad Request');
  return json(status, { err_code: code, err_msg: message, request_id: randomUUID() }, retryAfterHeader(retryAfterSeconds));
}

function authenticate(req: SimRequest): SimResponse | null {
  const key = /^Token\s+(\S+)$/i.exec(headerValue(req, 'authorization') ?? '')?.[1];
  if (!key) return deepgramError(401, 'Invalid credentials: send `Authorization: Token <key>`.');
  if (key === INVALID_KEY) return deepgramError(401, 'Invalid credentials.');
  return null;
}

/** Deepgram names the models that ran by id in `metadata.models`; one fixed id stands for any. */
const MODEL_ID = '1abfe86b-e047-4eed-858a-35e5625b41ee';

/** A word as Deepgram times it: bare and lower-cased, with `punctuated_word` as written. */
const deepgramWord = ({ word, start, end }: SimulatedWord) => ({
  word: word.toLowerCase().replace(/[^\p{L}\p{N}'/-]/gu, ''),
  start,
  end,
  confidence: SIMULATED_CONFIDENCE,
  punctuated_word: word,
});

/** Pre-recorded transcription: the body is the audio, the options are the query. */
function listen(req: SimRequest): SimResponse {
  if (req.body.length === 0) return deepgramError(400, 'Bad Request: the request body is empty; send the audio as the body.');
  const contentType = headerValue(req, 'content-type') ?? 'application/octet-stream';
  if (/^audio\/(x-)?wav/i.test(contentType) && req.body.toString('latin1', 0, 4) !== 'RIFF') {
    return deepgramError(400, 'Bad Request: failed to process audio: corrupt or unsupported data');
  }
  const model = req.query.get('model') ?? 'base';
  // Deepgram's two ways to bias a model: nova-3 takes `keyterm` prompting only, older models `keywords` boosting only.
  const nova3 = /^nova-3\b/.test(model);
  if (nova3 && req.query.has('keywords'))
    return deepgramError(400, 'Bad Request: Keywords are not supported for Nova-3 models; use keyterm prompting instead.');
  if (!nova3 && req.query.has('keyterm')) return deepgramError(400, 'Bad Request: Keyterm prompting is only available for Nova-3 models.');
  const hearing = simulatedHearing(req.body, contentType, model);
  const { transcript, durationSeconds } = hearing;
  const phrases = simulatedPhrases(hearing);
  const words = phrases.flatMap((phrase) => phrase.words.map(deepgramWord));
  const detect = req.query.get('detect_language') === 'true';
  // `utterances=true` adds the transcript split at pauses, beside the channels.
  const utterances =
    req.query.get('utterances') === 'true'
      ? phrases.map((phrase) => ({
          start: phrase.start,
          end: phrase.end,
          confidence: SIMULATED_CONFIDENCE,
          channel: 0,
          transcript: phrase.text,
          words: phrase.words.map(deepgramWord),
          id: randomUUID(),
        }))
      : undefined;
  return json(200, {
    metadata: {
      transaction_key: 'deprecated',
      request_id: randomUUID(),
      created: new Date().toISOString(),
      duration: durationSeconds,
      channels: 1,
      models: [MODEL_ID],
      model_info: { [MODEL_ID]: { name: `general-${model}`, version: '2024-01-01.0', arch: model } },
    },
    results: {
      channels: [
        {
          alternatives: [{ transcript, confidence: SIMULATED_CONFIDENCE, words }],
          ...(detect ? { detected_language: 'en', language_confidence: 0.99 } : {}),
        },
      ],
      ...(utterances ? { utterances } : {}),
    },
  });
}

/** Deepgram's pre-recorded API (`https://api.deepgram.com/v1/listen`). */
export const deepgram: SimVendor = {
  name: 'deepgram',
  basePath: '',
  routes: [{ method: 'POST', path: /^\/v1\/listen$/, handle: listen }],
  authenticate,
  error: deepgramError,
};
