import { useEffect, useRef, useState } from 'preact/hooks';
import type { JobView } from '@voxq/contracts';
import { formatBytes } from '../format';
import { isFinished } from '../live';
import { hrefOf, type SubmitTab } from '../routes';
import { ErrorNote, useApi } from '../ui';

const TABS: Array<{ tab: SubmitTab; label: string }> = [
  { tab: 'speech', label: 'Text to speech' },
  { tab: 'chat', label: 'Chat' },
  { tab: 'audio', label: 'Transcribe audio' },
];
const FORMATS = ['mp3', 'wav', 'opus', 'aac', 'flac'];

const openJob = (id: string) => (location.hash = hrefOf({ page: 'job', id }));

export function SubmitPage({ tab }: { tab: SubmitTab }) {
  return (
    <>
      <div class="page-head">
        <div>
          <h1>Submit a job</h1>
          <p class="muted">Jobs run on the queue like any other: retried, failed over, and reported to your webhooks.</p>
        </div>
      </div>
      <nav aria-label="Kind of job" class="tabs">
        {TABS.map((t) => (
          <a key={t.tab} href={hrefOf({ page: 'submit', tab: t.tab })} aria-current={t.tab === tab ? 'page' : undefined}>
            {t.label}
          </a>
        ))}
      </nav>
      <section class="card">{tab === 'speech' ? <SpeechForm /> : tab === 'chat' ? <ChatForm /> : <AudioForm />}</section>
    </>
  );
}

function SpeechForm() {
  const api = useApi();
  const [text, setText] = useState('');
  const [voice, setVoice] = useState('');
  const [format, setFormat] = useState('mp3');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const input = { text, format, ...(voice.trim() ? { voice: voice.trim() } : {}) };
      const job = await api.json<JobView>('POST', '/v1/jobs', { type: 'synthesize', input });
      openJob(job.id);
    } catch (e) {
      setError(e as Error);
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} class="form">
      <h2>Text to speech</h2>
      <div class="field">
        <label for="speech-text">Text</label>
        <textarea id="speech-text" rows={5} required maxLength={20_000} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </div>
      <div class="row">
        <div class="field">
          <label for="speech-voice">
            Voice <span class="optional">optional</span>
          </label>
          <input id="speech-voice" value={voice} onInput={(e) => setVoice(e.currentTarget.value)} placeholder="The provider's default" />
        </div>
        <div class="field">
          <label for="speech-format">Format</label>
          <select id="speech-format" value={format} onChange={(e) => setFormat(e.currentTarget.value)}>
            {FORMATS.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </div>
      </div>
      {error ? <ErrorNote error={error} title="The job was not submitted" /> : null}
      <button type="submit" class="button button-primary" disabled={busy || !text.trim()}>
        {busy ? 'Submitting…' : 'Synthesize'}
      </button>
    </form>
  );
}

function ChatForm() {
  const api = useApi();
  const [system, setSystem] = useState('');
  const [prompt, setPrompt] = useState('');
  const [job, setJob] = useState<JobView | null>(null);
  const [reply, setReply] = useState('');
  const [error, setError] = useState<Error | null>(null);
  const stream = useRef<AbortController | null>(null);
  const running = job !== null && !isFinished(job.status);

  useEffect(() => () => stream.current?.abort(), []);

  const submit = async (event: Event) => {
    event.preventDefault();
    stream.current?.abort();
    setError(null);
    setReply('');
    try {
      const input = { messages: [{ role: 'user', content: prompt }], stream: true, ...(system.trim() ? { systemPrompt: system.trim() } : {}) };
      const submitted = await api.json<JobView>('POST', '/v1/jobs', { type: 'complete', input });
      setJob(submitted);
      const controller = new AbortController();
      stream.current = controller;
      // Tokens arrive as `delta` events while the provider writes; the final event carries the whole job.
      await api.stream(
        `/v1/jobs/${encodeURIComponent(submitted.id)}/events`,
        (e) => {
          const data = e.data as { content?: string } & JobView;
          if (e.type === 'delta' && data.content) setReply((r) => r + data.content);
          else if (e.type === 'delta_reset') setReply('');
          else if (e.type === 'started') setJob((j) => (j ? { ...j, status: 'active' } : j));
          else if (isFinished(e.type)) {
            setJob(data);
            if (data.result && 'text' in data.result) setReply(data.result.text);
          }
        },
        controller.signal,
      );
    } catch (e) {
      setError(e as Error);
    }
  };

  return (
    <form onSubmit={submit} class="form">
      <h2>Chat</h2>
      <div class="field">
        <label for="chat-system">
          System prompt <span class="optional">optional</span>
        </label>
        <input id="chat-system" value={system} onInput={(e) => setSystem(e.currentTarget.value)} placeholder="You are a helpful assistant." />
      </div>
      <div class="field">
        <label for="chat-prompt">Message</label>
        <textarea id="chat-prompt" rows={4} required value={prompt} onInput={(e) => setPrompt(e.currentTarget.value)} />
      </div>
      {error ? <ErrorNote error={error} title="The chat did not run" /> : null}
      <button type="submit" class="button button-primary" disabled={running || !prompt.trim()}>
        {running ? 'Answering…' : 'Send'}
      </button>
      {job ? (
        <div class="chat-answer">
          <div class="chat-answer-head">
            <span class="muted">Reply</span>
            <a class="mono small" href={hrefOf({ page: 'job', id: job.id })}>
              {job.id}
            </a>
          </div>
          <div class={`reply${running ? ' streaming' : ''}`} id="chat-reply" aria-live="polite" aria-busy={running}>
            {reply || (running ? <span class="muted">Waiting for the first tokens…</span> : null)}
          </div>
          {job.error ? <ErrorNote error={`${job.error.message} (${job.error.code})`} title="The job failed" /> : null}
        </div>
      ) : null}
    </form>
  );
}

/** MediaRecorder's pick for speech, in order: what the browser can make. */
const RECORDING_TYPES = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/mp4', 'audio/webm'];
const canRecord = () => typeof MediaRecorder !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;

function AudioForm() {
  const api = useApi();
  const [file, setFile] = useState<{ blob: Blob; name: string } | null>(null);
  const [dragging, setDragging] = useState(false);
  const [recording, setRecording] = useState<MediaRecorder | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const take = (blob: Blob | undefined, name: string) => {
    if (!blob) return;
    if (blob.type && !blob.type.startsWith('audio/') && blob.type !== 'application/octet-stream') return setError(`${name} is not audio (${blob.type}).`);
    setError(null);
    setFile({ blob, name });
  };

  const record = async () => {
    if (recording) return recording.stop();
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const mimeType = RECORDING_TYPES.find((t) => MediaRecorder.isTypeSupported(t));
      const recorder = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
      const chunks: Blob[] = [];
      recorder.ondataavailable = (e) => chunks.push(e.data);
      recorder.onstop = () => {
        stream.getTracks().forEach((t) => t.stop());
        setRecording(null);
        const type = (recorder.mimeType || 'audio/webm').split(';')[0]!;
        take(new Blob(chunks, { type }), `recording.${type.split('/')[1] ?? 'webm'}`);
      };
      recorder.start();
      setRecording(recorder);
    } catch (e) {
      setError(`The microphone is not available: ${(e as Error).message}`);
    }
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const type = file.blob.type || 'application/octet-stream';
      const job = await api.upload<JobView>('/v1/jobs', file.blob, type);
      openJob(job.id);
    } catch (e) {
      setError(e as Error);
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} class="form">
      <h2>Transcribe audio</h2>
      <div
        class={`dropzone${dragging ? ' is-dragging' : ''}`}
        id="dropzone"
        onDragOver={(e) => (e.preventDefault(), setDragging(true))}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          const dropped = e.dataTransfer?.files[0];
          take(dropped, dropped?.name ?? 'audio');
        }}
      >
        <p>
          <strong>Drop an audio file here</strong>
          <span class="muted"> or </span>
          <label for="audio-file" class="link">
            choose one
          </label>
        </p>
        <input
          ref={input}
          id="audio-file"
          class="visually-hidden"
          type="file"
          accept="audio/*"
          onChange={(e) => take(e.currentTarget.files?.[0], e.currentTarget.files?.[0]?.name ?? 'audio')}
        />
        <p class="muted small">WAV, MP3, FLAC, Ogg, WebM… sent as the request body.</p>
      </div>
      {canRecord() ? (
        <div class="record">
          <button type="button" class={`button${recording ? ' button-danger' : ''}`} onClick={() => void record()} aria-pressed={recording !== null}>
            {recording ? 'Stop recording' : 'Record from the microphone'}
          </button>
          {recording ? (
            <span class="recording-dot" role="status">
              Recording…
            </span>
          ) : null}
        </div>
      ) : (
        <p class="muted small">This browser cannot record here (the microphone needs HTTPS or localhost).</p>
      )}
      {file ? (
        <p class="chosen" id="chosen-file">
          <strong>{file.name}</strong> <span class="muted">{`${file.blob.type || 'unknown type'} · ${formatBytes(file.blob.size)}`}</span>
        </p>
      ) : null}
      {error ? <ErrorNote error={error} title="Audio" /> : null}
      <button type="submit" class="button button-primary" disabled={busy || !file || recording !== null}>
        {busy ? 'Uploading…' : 'Transcribe'}
      </button>
    </form>
  );
}
