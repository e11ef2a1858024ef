import { readWav } from '@voxq/wav';
import { headerValue, json, type SimRequest, type SimResponse, type VendorRoute } from '../vendor';

/** The confidence every simulated transcript carries. */
export const SIMULATED_CONFIDENCE = 0.93;

/** What a simulated STT vendor hears in any audio: a deterministic transcript and its length. */
export interface SimulatedHearing {
  transcript: string;
  durationSeconds: number;
}

/** Whether the bytes are a RIFF/WAVE file. */
export function isWav(audio: Buffer): boolean {
  return audio.length >= 12 && audio.toString('latin1', 0, 4) === 'RIFF' && audio.toString('latin1', 8, 12) === 'WAVE';
}

/** A WAV's length from its header (the data actually present, at the fmt chunk's byte rate). */
export function wavDurationSeconds(audio: Buffer): number | undefined {
  if (!isWav(audio)) return undefined;
  try {
    return readWav(audio).durationSeconds;
  } catch {
    return undefined;
  }
}

/**
 * The same audio always gets the same transcript, naming what reached the vendor (size,
 * type, model) so tests can see it through the adapter. Lengths come from a WAV header,
 * else assume 16 kHz 16-bit mono (32,000 bytes a second).
 */
export function simulatedHearing(audio: Buffer, contentType: string, model: string): SimulatedHearing {
  return {
    transcript: `Simulated transcript of ${audio.length} bytes of ${contentType} by ${model}`,
    durationSeconds: wavDurationSeconds(audio) ?? audio.length / 32_000,
  };
}

/** One word of a simulated transcript, with when it was "spoken" (seconds). */
export interface SimulatedWord {
  word: string;
  start: number;
  end: number;
}

/** A run of words a vendor would time as one piece (a Whisper segment, a Deepgram utterance). */
export interface SimulatedPhrase {
  text: string;
  start: number;
  end: number;
  words: SimulatedWord[];
}

/** The transcript's words spread evenly over the audio, so the last one ends with it. */
export function simulatedWords({ transcript, durationSeconds }: SimulatedHearing): SimulatedWord[] {
  const words = transcript.split(' ');
  const step = durationSeconds / words.length;
  return words.map((word, i) => ({ word, start: i * step, end: i === words.length - 1 ? durationSeconds : (i + 1) * step }));
}

/**
 * The words in phrases of `wordsPerPhrase`, so every vendor answers with more than one timed
 * piece and adapters cannot get away with reading only the first.
 */
export function simulatedPhrases(hearing: SimulatedHearing, wordsPerPhrase = 3): SimulatedPhrase[] {
  const words = simulatedWords(hearing);
  const phrases: SimulatedPhrase[] = [];
  for (let i = 0; i < words.length; i += wordsPerPhrase) {
    const run = words.slice(i, i + wordsPerPhrase);
    phrases.push({ text: run.map((w) => w.word).join(' '), start: run[0]!.start, end: run.at(-1)!.end, words: run });
  }
  return phrases;
}

/** Whisper times segments to 20 ms (its timestamp tokens). */
const toWhisperTime = (seconds: number) => Math.round(seconds * 50) / 50;

/** The formats OpenAI accepts, by file extension (it tells formats by the name alone). */
const EXTENSIONS = new Set(['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', 'wav', 'webm']);
const RESPONSE_FORMATS = new Set(['json', 'text', 'verbose_json']);
const languageNames = new Intl.DisplayNames(['en'], { type: 'language' });

function invalid(message: string, param: string | null = null): SimResponse {
  return json(400, { error: { message, type: 'invalid_request_error', param, code: null } });
}

/** A form field's text, or undefined when absent (or a file). */
function field(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  return typeof value === 'string' ? value : undefined;
}

/**
 * What the simulated Whisper translates any audio to: a deterministic English text that no
 * transcript equals, so a test sees which endpoint answered.
 */
export function simulatedTranslation(audio: Buffer, contentType: string, model: string): SimulatedHearing {
  const { durationSeconds } = simulatedHearing(audio, contentType, model);
  return { transcript: `Simulated English translation of ${audio.length} bytes of ${contentType} by ${model}`, durationSeconds };
}

const GRANULARITIES = new Set(['segment', 'word']);

async function transcriptions(req: SimRequest, task: 'transcribe' | 'translate'): Promise<SimResponse> {
  const contentType = headerValue(req, 'content-type') ?? '';
  if (!/^multipart\/form-data/i.test(contentType)) return invalid('Invalid Content-Type header: expected multipart/form-data.');
  let form: FormData;
  try {
    form = await new Response(req.body, { headers: { 'content-type': contentType } }).formData();
  } catch {
    // What OpenAI answers a body that is not multipart: the simulator's client sees the same 400.
    return invalid('Could not parse the multipart form.');
  }
  const file = form.get('file');
  if (file === null || typeof file === 'string') return invalid("Missing required parameter: 'file'.", 'file');
  const model = field(form, 'model');
  if (!model) return invalid("Missing required parameter: 'model'.", 'model');
  const extension = /\.([^./]+)$/.exec(file.name)?.[1]?.toLowerCase() ?? '';
  if (!EXTENSIONS.has(extension)) {
    return invalid(`Invalid file format. Supported formats: ${[...EXTENSIONS].map((e) => `'${e}'`).join(', ')}`, 'file');
  }
  const audio = Buffer.from(await file.arrayBuffer());
  if (audio.length === 0 || (extension === 'wav' && !isWav(audio))) {
    return invalid('Audio file might be corrupted or unsupported', 'file');
  }
  const format = field(form, 'response_format') ?? 'json';
  if (!RESPONSE_FORMATS.has(format)) return invalid(`response_format '${format}' is not simulated; use json, text or verbose_json.`, 'response_format');
  const code = field(form, 'language');
  // The translations endpoint takes no language: it always writes English.
  if (task === 'translate' && code !== undefined) return invalid("Unrecognized request argument supplied: 'language'.", 'language');
  if (code !== undefined && !/^[a-z]{2}$/.test(code)) {
    return invalid(`Invalid language '${code}'. Language parameter must be specified in ISO-639-1 format.`, 'language');
  }
  const granularities = form.getAll('timestamp_granularities[]').map(String);
  if (granularities.some((g) => !GRANULARITIES.has(g))) return invalid('timestamp_granularities[] must be segment and/or word.', 'timestamp_granularities');
  if (granularities.length > 0 && (task === 'translate' || format !== 'verbose_json')) {
    return invalid('timestamp_granularities[] needs response_format verbose_json on transcriptions.', 'timestamp_granularities');
  }

  const contentTypeOfFile = file.type || 'application/octet-stream';
  const hearing = task === 'translate' ? simulatedTranslation(audio, contentTypeOfFile, model) : simulatedHearing(audio, contentTypeOfFile, model);
  const { transcript, durationSeconds } = hearing;
  if (format === 'text') return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `${transcript}\n` };
  const usage = { type: 'duration', seconds: Math.ceil(durationSeconds) };
  if (format === 'json') return json(200, { text: transcript, usage });
  // Segments by default; asking for words alone leaves them out, as OpenAI does.
  const withSegments = granularities.length === 0 || granularities.includes('segment');
  return json(200, {
    task,
    // Whisper names the language (`english`) rather than echoing the code it was given.
    language: code ? (languageNames.of(code) ?? code).toLowerCase() : 'english',
    duration: durationSeconds,
    text: transcript,
    ...(granularities.includes('word')
      ? { words: simulatedWords(hearing).map(({ word, start, end }) => ({ word, start: toWhisperTime(start), end: toWhisperTime(end) })) }
      : {}),
    // Whisper's segment texts start with the space its tokens carry.
    ...(withSegments ? { segments: verboseSegments(hearing) } : {}),
    usage,
  });
}

function verboseSegments(hearing: SimulatedHearing) {
  return simulatedPhrases(hearing).map((phrase, id) => ({
    id,
    seek: 0,
    start: toWhisperTime(phrase.start),
    end: toWhisperTime(phrase.end),
    text: ` ${phrase.text}`,
    tokens: [],
    temperature: 0,
    avg_logprob: Math.log(SIMULATED_CONFIDENCE),
    compression_ratio: 1,
    no_speech_prob: 0.01,
  }));
}

/**
 * OpenAI-style `POST <base>/audio/transcriptions` and `/audio/translations` (multipart), for
 * OpenAI and Groq; a translation answers {@link simulatedTranslation}.
 */
export function transcriptionRoutes(basePattern: string): VendorRoute[] {
  return [
    { method: 'POST', path: new RegExp(`^${basePattern}/audio/transcriptions$`), handle: (req) => transcriptions(req, 'transcribe') },
    { method: 'POST', path: new RegExp(`^${basePattern}/audio/translations$`), handle: (req) => transcriptions(req, 'translate') },
  ];
}
