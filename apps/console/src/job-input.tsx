import type { ChatMessage, EmbedInput, ImageInput, JobView, SynthesizeInput, TranscribeInput } from '@voxq/contracts';
import { formatBytes } from './format';
import { Facts, Section, useBlobUrls, type Loaded } from './ui';

/** How much of a long input the page shows; the rest is in "The job as the API returns it". */
const SHOWN_MESSAGES = 50;
const SHOWN_TEXTS = 20;
const SHOWN_CHARS = 2_000;

/** A chat input as stored: its tools already read (each a record with its name). */
interface StoredChatInput {
  messages: ChatMessage[];
  systemPrompt?: string;
  temperature?: number;
  maxTokens?: number;
  tools?: Array<{ name?: unknown }>;
}

const clip = (text: string) => (text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text);
const more = (shown: number, all: number, what: string) =>
  all > shown ? <p class="muted small">{`…and ${all - shown} more ${what}, in the job as the API returns it (below).`}</p> : null;

/** The transcribe job's audio when voxq stored it: the object in its own bucket is served to the key's tenant. */
export function transcribeAudioOf(job: JobView | undefined): TranscribeInput['audio'] | null {
  if (job?.type !== 'transcribe' || !job.input) return null;
  return (job.input as TranscribeInput).audio;
}

/**
 * The audio a transcribe job was given, fetched with the key (`GET /v1/jobs/:id/input/audio`)
 * and played from a blob: URL, as the result's audio is: an S3 URL is another origin, which the
 * CSP refuses. Nothing is fetched for other jobs, or audio in another bucket.
 */
export function useInputAudio(job: JobView | undefined): Loaded<string | null> {
  const audio = transcribeAudioOf(job);
  const fetchable = audio !== null && audio.bucket === undefined;
  const loaded = useBlobUrls(fetchable && job ? [`/v1/jobs/${encodeURIComponent(job.id)}/input/audio`] : []);
  return { ...loaded, data: loaded.data && (loaded.data[0] ?? null) };
}

/** The job's input as the API answers it (`?include=input`): null when it was not kept. */
export function InputSection({ job, audio }: { job: JobView; audio: Loaded<string | null> }) {
  return (
    <Section title="Input" id="input">
      {job.input === undefined ? (
        <p class="muted">Loading…</p>
      ) : job.input === null ? (
        <p class="muted">This job's input was not kept: it was larger than 256 KiB, or the job is older than kept inputs.</p>
      ) : job.type === 'synthesize' ? (
        <SpeechInput input={job.input as SynthesizeInput} />
      ) : job.type === 'complete' ? (
        <ChatInput input={job.input as StoredChatInput} />
      ) : job.type === 'transcribe' ? (
        <AudioInput input={job.input as TranscribeInput} audio={audio} />
      ) : job.type === 'image' ? (
        <ImagePrompt input={job.input as ImageInput} />
      ) : (
        <EmbedTexts input={job.input as EmbedInput} />
      )}
    </Section>
  );
}

function SpeechInput({ input }: { input: SynthesizeInput }) {
  return (
    <>
      <blockquote class="quote" id="input-text">
        {input.text}
      </blockquote>
      <Facts
        items={[
          ['Voice', input.voice ?? null],
          ['Format', input.format ?? null],
          ['Model', input.model ?? null],
          ['Speed', input.speed === 1 ? null : `${input.speed}×`],
          ['Style', input.instructions ?? null],
          ['Read as spoken', input.spokenForm ? 'yes' : null],
        ]}
      />
    </>
  );
}

function ImagePrompt({ input }: { input: ImageInput }) {
  return (
    <>
      <blockquote class="quote" id="input-prompt">
        {clip(input.prompt)}
      </blockquote>
      <Facts
        items={[
          ['Images', String(input.n)],
          ['Size', input.size ?? null],
          ['Quality', input.quality ?? null],
          ['Style', input.style ?? null],
          ['Background', input.background ?? null],
          ['Format', input.outputFormat ?? null],
        ]}
      />
    </>
  );
}

function ChatInput({ input }: { input: StoredChatInput }) {
  const shown = input.messages.slice(0, SHOWN_MESSAGES);
  return (
    <>
      {input.systemPrompt ? (
        <div class="message message-system">
          <span class="message-role">system prompt</span>
          <div class="message-content">{clip(input.systemPrompt)}</div>
        </div>
      ) : null}
      <ol class="messages" id="input-messages" aria-label="The messages sent">
        {shown.map((message, i) => (
          <li key={i} class={`message message-${message.role}`}>
            <span class="message-role">{message.role}</span>
            <div class="message-content">
              {message.content ? clip(message.content) : <span class="muted">(no text)</span>}
              {message.toolCalls?.length ? <span class="sub mono"> calls {message.toolCalls.map((c) => c.name).join(', ')}</span> : null}
            </div>
          </li>
        ))}
      </ol>
      {more(shown.length, input.messages.length, 'messages')}
      <Facts
        items={[
          ['Temperature', input.temperature === undefined ? null : String(input.temperature)],
          ['Max tokens', input.maxTokens === undefined ? null : String(input.maxTokens)],
          ['Tools', input.tools?.length ? input.tools.map((t) => String(t.name)).join(', ') : null],
        ]}
      />
    </>
  );
}

function AudioInput({ input, audio }: { input: TranscribeInput; audio: Loaded<string | null> }) {
  const source = input.audio.bucket ? `s3://${input.audio.bucket}/${input.audio.key}` : input.audio.key;
  return (
    <>
      {audio.data ? (
        <audio controls src={audio.data} preload="metadata" aria-label="The audio sent" id="input-audio" />
      ) : audio.loading ? (
        <p class="muted">Loading audio…</p>
      ) : (
        <p class="muted" id="input-audio-note">
          {input.audio.bucket
            ? 'The audio is in your own bucket; the console cannot play it.'
            : 'The audio is no longer stored (the bucket keeps it for a while only).'}
        </p>
      )}
      <Facts
        items={[
          ['Type', input.audio.contentType],
          ['Size', formatBytes(input.audio.bytes)],
          ['Stored as', <span class="mono small">{source}</span>],
          ['Task', input.task === 'translate' ? 'translate to English' : null],
          ['Word timings', input.words ? 'asked for' : null],
          ['Keywords', input.keywords?.length ? input.keywords.join(', ') : null],
        ]}
      />
    </>
  );
}

function EmbedTexts({ input }: { input: EmbedInput }) {
  const texts = typeof input.input === 'string' ? [input.input] : input.input;
  const shown = texts.slice(0, SHOWN_TEXTS);
  return (
    <>
      <ol class="texts" id="input-texts" aria-label="The texts embedded">
        {shown.map((text, i) => (
          <li key={i}>{clip(text)}</li>
        ))}
      </ol>
      {more(shown.length, texts.length, 'texts')}
      <Facts
        items={[
          ['Texts', String(texts.length)],
          ['Dimensions', input.dimensions === undefined ? null : String(input.dimensions)],
          ['End user', input.user ?? null],
        ]}
      />
    </>
  );
}
