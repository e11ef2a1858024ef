import { useEffect, useRef, useState } from 'preact/hooks';
import type { CompleteResult, ImageResult, JobView, SynthesizeResult, TranscribeResult, WebhookDeliveryView } from '@voxq/contracts';
import { DeliveriesTable } from '../deliveries';
import { elapsed, formatBytes, formatMs, formatSeconds, formatTime } from '../format';
import { InputSection, useInputAudio } from '../job-input';
import { applyEvent, isFinished } from '../live';
import { ErrorNote, Facts, Json, Section, StatusBadge, useApi, useBlobUrls, useLoad } from '../ui';

interface TimelineEntry {
  at: string;
  text: string;
  tone?: 'error' | 'ok';
}

interface ScoresRun {
  id: string;
  candidates: Array<{ provider: string; model: string; rank: number; score: number; latencyMs: number; errorRate: number; reason: string }>;
  excluded: Array<{ provider: string; reason: string }>;
}

/** A line of the timeline for each run-time event the job's stream sends. */
function describe(type: string, data: Record<string, unknown>): TimelineEntry | null {
  const at = typeof data['at'] === 'string' ? data['at'] : new Date().toISOString();
  const error = data['error'] as { code: string; message: string } | undefined;
  switch (type) {
    case 'started':
      return { at, text: `Attempt ${String(data['attempt'])} started` };
    case 'provider_attempt':
      return error
        ? { at, text: `${String(data['provider'])} · ${String(data['model'])} failed after ${formatMs(data['ms'] as number)}: ${error.message}`, tone: 'error' }
        : { at, text: `${String(data['provider'])} · ${String(data['model'])} answered in ${formatMs(data['ms'] as number)}`, tone: 'ok' };
    case 'attempt_failed':
      return { at, text: `Attempt ${String(data['attempt'])} failed (${error?.code ?? 'error'})${data['willRetry'] ? ', will retry' : ''}`, tone: 'error' };
    case 'waiting':
      return { at, text: `Waiting until ${formatTime(data['until'] as string)}: ${String(data['reason'])}` };
    case 'tool_calls':
      return { at, text: `Called tools: ${(data['calls'] as Array<{ name: string }>).map((c) => c.name).join(', ')}` };
    case 'delta_reset':
      return { at, text: `The reply restarted: ${String(data['message'])}`, tone: 'error' };
    default:
      return null;
  }
}

export function JobPage({ id }: { id: string }) {
  const api = useApi();
  const path = `/v1/jobs/${encodeURIComponent(id)}`;
  // With its input: the event stream's views (and a cancel's answer) carry none, so the input shown is this first read's.
  const loaded = useLoad((signal) => api.get<JobView>(`${path}?include=input`, signal), [api, id]);
  const [job, setJob] = useState<JobView | undefined>(undefined);
  const [timeline, setTimeline] = useState<TimelineEntry[]>([]);
  const [reply, setReply] = useState('');
  const [cancelling, setCancelling] = useState(false);
  const [actionError, setActionError] = useState<Error | null>(null);
  const current = job ?? loaded.data;
  const open = current ? !isFinished(current.status) : false;
  const inputAudio = useInputAudio(loaded.data);

  useEffect(() => {
    if (loaded.data) setJob(loaded.data);
  }, [loaded.data]);

  // While the job runs, its event stream moves the page: status, timeline, and a chat reply token by token.
  useEffect(() => {
    if (!loaded.data || isFinished(loaded.data.status)) return;
    const controller = new AbortController();
    let latest = loaded.data;
    void api
      .stream(
        `${path}/events`,
        (event) => {
          latest = applyEvent(latest, event);
          setJob(latest);
          const data = (event.data ?? {}) as Record<string, unknown>;
          if (event.type === 'delta' && typeof data['content'] === 'string') setReply((r) => r + (data['content'] as string));
          if (event.type === 'delta_reset') setReply('');
          const entry = describe(event.type, data);
          if (entry) setTimeline((t) => [...t, entry]);
        },
        controller.signal,
      )
      .catch(() => undefined);
    return () => controller.abort();
  }, [api, loaded.data?.id, loaded.data?.status]);

  if (loaded.error) return <ErrorNote error={loaded.error} title="This job could not be loaded" />;
  if (!current) return <p class="muted">Loading…</p>;

  const cancel = async () => {
    setCancelling(true);
    setActionError(null);
    try {
      setJob(await api.json<JobView>('DELETE', path));
    } catch (error) {
      setActionError(error as Error);
    } finally {
      setCancelling(false);
    }
  };

  const result = current.result;
  return (
    <>
      <p class="crumbs">
        <a href="#/jobs">Jobs</a> <span aria-hidden="true">/</span> <span class="mono">{current.id}</span>
      </p>
      <div class="page-head">
        <div>
          <h1>
            <span class="job-type">{current.type}</span> job
          </h1>
          <p class="mono muted">{current.id}</p>
        </div>
        <div class="head-actions">
          <span aria-live="polite" id="job-status">
            <StatusBadge status={current.status} />
          </span>
          {open ? (
            <button type="button" class="button button-danger" onClick={() => void cancel()} disabled={cancelling}>
              {cancelling ? 'Cancelling…' : 'Cancel job'}
            </button>
          ) : null}
        </div>
      </div>
      {actionError ? <ErrorNote error={actionError} title="Cancel failed" /> : null}
      {current.error ? <ErrorNote error={`${current.error.message} (${current.error.code})`} title="The job failed" /> : null}

      <div class="grid">
        <Section title="Overview">
          <Facts
            items={[
              ['Created', formatTime(current.createdAt)],
              ['Started', current.startedAt ? formatTime(current.startedAt) : null],
              ['Finished', current.finishedAt ? formatTime(current.finishedAt) : null],
              ['Took', current.finishedAt ? elapsed(current.createdAt, current.finishedAt) : null],
              ['Attempts', String(current.attempts)],
              ['Provider', result ? `${result.provider} · ${result.model}` : null],
              ['Failovers', result ? String(result.failoverCount) : null],
              ['Queued for', result ? formatMs(result.timings.queuedMs) : null],
              ['Provider time', result ? formatMs(result.timings.providerMs) : null],
              ['Batch', current.batchId ?? null],
              ['Webhook', current.webhook?.url ?? null],
            ]}
          />
        </Section>
        <InputSection job={{ ...current, input: loaded.data?.input }} audio={inputAudio} />
      </div>

      {open || timeline.length > 0 ? (
        <Section title="Live events" id="live">
          {timeline.length === 0 ? <p class="muted">Waiting for the job's events…</p> : null}
          <ol class="timeline" aria-live="polite">
            {timeline.map((entry, i) => (
              <li key={i} class={entry.tone ? `tone-${entry.tone}` : undefined}>
                <time dateTime={entry.at}>{new Date(entry.at).toLocaleTimeString()}</time> {entry.text}
              </li>
            ))}
          </ol>
          {current.type === 'complete' && reply ? (
            <div class="reply streaming" id="streamed-reply">
              {reply}
            </div>
          ) : null}
        </Section>
      ) : null}

      {result ? <ResultSection job={current} inputAudio={inputAudio.data ?? undefined} /> : null}
      {result?.providerAttempts?.length ? <AttemptsSection attempts={result.providerAttempts} /> : null}
      {result?.scoresRunId ? <ScoresSection runId={result.scoresRunId} /> : null}
      <DeliveriesSection jobId={current.id} finished={!open} />
      {Object.keys(current.metadata).length > 0 || Object.keys(current.intent).length > 0 ? (
        <Section title="Routing and metadata">
          <Facts
            items={[
              ['Intent', Object.keys(current.intent).length ? <Json value={current.intent} /> : null],
              ['Constraints', Object.keys(current.constraints).length ? <Json value={current.constraints} /> : null],
              ['Metadata', Object.keys(current.metadata).length ? <Json value={current.metadata} /> : null],
            ]}
          />
        </Section>
      ) : null}
      <details class="raw">
        <summary>The job as the API returns it</summary>
        <Json value={current} />
      </details>
    </>
  );
}

function ResultSection({ job, inputAudio }: { job: JobView; inputAudio: string | undefined }) {
  switch (job.type) {
    case 'synthesize':
      return <SpeechResult job={job} result={job.result as SynthesizeResult} />;
    case 'transcribe':
      return <TranscriptResult result={job.result as TranscribeResult} audioUrl={inputAudio} />;
    case 'complete': {
      const result = job.result as CompleteResult;
      return (
        <Section title="Reply" id="result">
          <div class="reply" id="reply-text">
            {result.text || <span class="muted">(no text: {result.finishReason})</span>}
          </div>
          <Facts
            items={[
              ['Finish reason', result.finishReason],
              ['Tokens', `${result.usage.promptTokens} in · ${result.usage.completionTokens} out`],
              ['Tool calls', result.toolCalls?.length ? result.toolCalls.map((c) => c.name).join(', ') : null],
            ]}
          />
        </Section>
      );
    }
    case 'image':
      return <ImagesResult job={job} result={job.result as ImageResult} />;
    default:
      return (
        <Section title="Result" id="result">
          <Json value={job.result} />
        </Section>
      );
  }
}

/** The audio is fetched with the key (`GET /v1/jobs/:id/result`) and played from a blob: URL; presigned S3 URLs are another origin, which the CSP refuses. */
function SpeechResult({ job, result }: { job: JobView; result: SynthesizeResult }) {
  const audio = useBlobUrls([`/v1/jobs/${encodeURIComponent(job.id)}/result`]);
  const url = audio.data?.[0];
  const extension = result.audio.contentType.split('/')[1]?.split(';')[0] ?? 'audio';
  return (
    <Section title="Speech" id="result">
      {audio.error ? <ErrorNote error={audio.error} title="The audio could not be loaded" /> : null}
      {url ? (
        <div class="player">
          <audio controls src={url} preload="auto" id="result-audio" aria-label="Synthesized speech" />
          <a class="button button-small" href={url} download={`${job.id}.${extension}`}>
            Download
          </a>
        </div>
      ) : audio.error ? null : (
        <p class="muted">Loading audio…</p>
      )}
      <Facts
        items={[
          ['Format', result.audio.contentType],
          ['Size', formatBytes(result.audio.bytes)],
          ['Duration', result.audio.durationSeconds === undefined ? null : `${result.audio.durationSeconds.toFixed(1)} s`],
          ['Characters', String(result.usage.characters)],
        ]}
      />
    </Section>
  );
}

/**
 * Each picture fetched with the key (`GET /v1/jobs/:id/result/images/:i`) and shown from a
 * blob: URL, as speech is: the result's presigned S3 URLs are another origin, which the CSP refuses.
 */
function ImagesResult({ job, result }: { job: JobView; result: ImageResult }) {
  const pictures = useBlobUrls(result.images.map((_, i) => `/v1/jobs/${encodeURIComponent(job.id)}/result/images/${i}`));
  return (
    <Section title={result.images.length === 1 ? 'Image' : `Images (${result.images.length})`} id="result">
      {pictures.error ? <ErrorNote error={pictures.error} title="The images could not be loaded" /> : null}
      {pictures.data ? (
        <ul class="image-grid" id="result-images">
          {result.images.map((image, i) => {
            const extension = image.contentType.split('/')[1] ?? 'png';
            return (
              <li key={image.key} class="image-tile">
                <img src={pictures.data?.[i]} alt={image.revisedPrompt ?? `Image ${i + 1} of the job`} />
                <div class="image-caption">
                  <span class="muted small">{`${image.contentType} · ${formatBytes(image.bytes)}`}</span>
                  <a class="button button-small" href={pictures.data?.[i]} download={`${job.id}-${i}.${extension}`}>
                    Download
                  </a>
                </div>
                {image.revisedPrompt ? <p class="small">{`Drawn as: ${image.revisedPrompt}`}</p> : null}
              </li>
            );
          })}
        </ul>
      ) : pictures.error ? null : (
        <p class="muted">Loading images…</p>
      )}
      <Facts
        items={[
          ['Size', result.size ?? null],
          ['Quality', result.quality ?? null],
          ['Format', result.outputFormat ?? null],
          ['Images', String(result.usage.images)],
          ['Tokens', result.usage.inputTokens === undefined ? null : `${result.usage.inputTokens} in · ${result.usage.outputTokens ?? 0} out`],
        ]}
      />
    </Section>
  );
}

/** The transcript by segment; each start plays the job's audio from there (when the console could fetch it). */
function TranscriptResult({ result, audioUrl }: { result: TranscribeResult; audioUrl: string | undefined }) {
  const player = useRef<HTMLAudioElement>(null);
  const [playing, setPlaying] = useState(-1);
  const segments = result.segments ?? [];
  const seek = (seconds: number) => {
    if (!player.current) return;
    player.current.currentTime = seconds;
    void player.current.play().catch(() => undefined);
  };
  const onTime = () => {
    const t = player.current?.currentTime ?? 0;
    setPlaying(segments.findIndex((s) => t >= s.start && t < s.end));
  };
  return (
    <Section title="Transcript" id="result">
      {audioUrl ? <audio ref={player} controls src={audioUrl} preload="metadata" onTimeUpdate={onTime} aria-label="The transcribed audio" /> : null}
      {segments.length === 0 ? (
        <p class="transcript-text" id="transcript-text">
          {result.text.trim() || <span class="muted">No speech was recognised in this audio.</span>}
        </p>
      ) : (
        <table class="table transcript" id="transcript">
          <caption class="visually-hidden">The transcript by segment, with when each was spoken</caption>
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">Text</th>
            </tr>
          </thead>
          <tbody>
            {segments.map((segment, i) => (
              <tr key={i} class={i === playing ? 'is-playing' : undefined}>
                <td class="mono">
                  {audioUrl ? (
                    <button type="button" class="link" onClick={() => seek(segment.start)} aria-label={`Play from ${formatSeconds(segment.start)}`}>
                      {formatSeconds(segment.start)}
                    </button>
                  ) : (
                    formatSeconds(segment.start)
                  )}
                </td>
                <td class="mono">{formatSeconds(segment.end)}</td>
                <td>{segment.text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Facts
        items={[
          ['Language', result.language ?? null],
          ['Confidence', result.confidence === undefined ? null : `${Math.round(result.confidence * 100)}%`],
          ['Audio', `${result.usage.audioSeconds.toFixed(1)} s`],
        ]}
      />
    </Section>
  );
}

function AttemptsSection({ attempts }: { attempts: NonNullable<NonNullable<JobView['result']>['providerAttempts']> }) {
  return (
    <Section title="Provider attempts" id="attempts">
      <table class="table">
        <caption class="visually-hidden">Every provider called, in order</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Provider</th>
            <th scope="col">Model</th>
            <th scope="col">Time</th>
            <th scope="col">Outcome</th>
          </tr>
        </thead>
        <tbody>
          {attempts.map((a, i) => (
            <tr key={i}>
              <td>{i + 1}</td>
              <th scope="row">{a.provider}</th>
              <td class="mono">{a.model}</td>
              <td>{formatMs(a.ms)}</td>
              <td>{a.error ? <span class="tone-error">{`${a.error.code}: ${a.error.message}`}</span> : <span class="tone-ok">answered</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

function ScoresSection({ runId }: { runId: string }) {
  const api = useApi();
  const run = useLoad((signal) => api.get<ScoresRun>(`/v1/scores-runs/${encodeURIComponent(runId)}`, signal), [api, runId]);
  return (
    <Section title="How providers were ranked" id="scores">
      {run.error ? <p class="muted">The scores run {runId} is no longer kept.</p> : null}
      {run.data ? (
        <>
          <table class="table">
            <caption class="visually-hidden">Candidates by rank</caption>
            <thead>
              <tr>
                <th scope="col">Rank</th>
                <th scope="col">Provider</th>
                <th scope="col">Score</th>
                <th scope="col">Latency</th>
                <th scope="col">Error rate</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {run.data.candidates.map((c) => (
                <tr key={`${c.provider}/${c.model}`}>
                  <td>{c.rank}</td>
                  <th scope="row">
                    {c.provider} <span class="sub mono">{c.model}</span>
                  </th>
                  <td>{c.score.toFixed(3)}</td>
                  <td>{formatMs(c.latencyMs)}</td>
                  <td>{`${(c.errorRate * 100).toFixed(1)}%`}</td>
                  <td class="sub">{c.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {run.data.excluded.length > 0 ? (
            <ul class="plain">
              {run.data.excluded.map((e) => (
                <li key={e.provider}>
                  <strong>{e.provider}</strong> excluded: {e.reason}
                </li>
              ))}
            </ul>
          ) : null}
        </>
      ) : null}
    </Section>
  );
}

function DeliveriesSection({ jobId, finished }: { jobId: string; finished: boolean }) {
  const api = useApi();
  const list = useLoad(
    (signal) => api.get<{ data: WebhookDeliveryView[] }>(`/v1/webhook-deliveries?jobId=${encodeURIComponent(jobId)}&limit=50`, signal),
    [api, jobId, finished],
  );
  return (
    <Section
      title="Webhook deliveries"
      id="deliveries"
      actions={
        <button type="button" class="button button-small" onClick={list.reload}>
          Refresh
        </button>
      }
    >
      {list.error ? <ErrorNote error={list.error} title="The deliveries could not be loaded" /> : null}
      {list.data ? <DeliveriesTable deliveries={list.data.data} onChange={list.reload} caption="Webhook deliveries of this job" /> : null}
    </Section>
  );
}
