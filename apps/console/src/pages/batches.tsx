import { useEffect, useState } from 'preact/hooks';
import type { BatchEndpoint, BatchObject } from '@voxq/contracts';
import { BatchProgress } from '../batch-parts';
import { BATCH_ENDPOINT_CHOICES, isFinalBatch, mergeBatches } from '../batches';
import { formatBytes, formatUnix } from '../format';
import { hrefOf } from '../routes';
import { ErrorNote, Section, StatusBadge, useApi, useLoad } from '../ui';

/** The list is read again this often while a batch on it is still moving. */
const BATCH_REFRESH_MS = 3_000;
/** Batches a page of the list shows, and each "Load more" adds. */
const BATCH_PAGE_SIZE = 20;

interface BatchList {
  data: BatchObject[];
  has_more: boolean;
}

/**
 * The first page is read again while a batch on it moves; older pages are read on request
 * (`after`, OpenAI's cursor: the last id shown). A batch the refreshed first page no longer
 * holds (newer ones pushed it off) stays in `older`, so nothing drops out of the list.
 */
export function BatchesPage() {
  const api = useApi();
  const list = useLoad((signal) => api.get<BatchList>(`/v1/batches?limit=${BATCH_PAGE_SIZE}`, signal), [api]);
  const [older, setOlder] = useState<{ batches: BatchObject[]; hasMore: boolean } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<Error | null>(null);
  const batches = mergeBatches(list.data?.data ?? [], older?.batches ?? []);
  const hasMore = older ? older.hasMore : (list.data?.has_more ?? false);
  const anyOpen = (list.data?.data ?? []).some((batch) => !isFinalBatch(batch.status));

  const loadMore = async () => {
    const last = batches.at(-1);
    if (!last) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await api.get<BatchList>(`/v1/batches?limit=${BATCH_PAGE_SIZE}&after=${encodeURIComponent(last.id)}`);
      setOlder({ batches: mergeBatches(batches, page.data), hasMore: page.has_more });
    } catch (error) {
      setMoreError(error as Error);
    } finally {
      setLoadingMore(false);
    }
  };

  useEffect(() => {
    if (!anyOpen) return;
    const timer = setInterval(list.reload, BATCH_REFRESH_MS);
    return () => clearInterval(timer);
  }, [anyOpen]);

  return (
    <>
      <div class="page-head">
        <div>
          <h1>Batches</h1>
          <p class="muted">A JSONL file of requests, run as jobs on the queue; the answers come back as an output file (OpenAI's Batch API).</p>
        </div>
      </div>
      <NewBatch />
      <Section title="Your batches" id="batches">
        <p class="visually-hidden" aria-live="polite">
          {list.loading && !list.data ? 'Loading…' : `${batches.length}${hasMore ? '+' : ''} batch${batches.length === 1 ? '' : 'es'} shown`}
        </p>
        {list.error ? <ErrorNote error={list.error} title="The batches could not be loaded" /> : null}
        {list.data && batches.length === 0 ? <p class="muted">No batches yet. Upload a file above.</p> : null}
        {batches.length > 0 ? (
          <div class="table-wrap">
            <table class="table" id="batches-table">
              <caption class="visually-hidden">Your batches, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Batch</th>
                  <th scope="col">Endpoint</th>
                  <th scope="col">Status</th>
                  <th scope="col">Progress</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {batches.map((batch) => (
                  <tr key={batch.id} data-batch-id={batch.id}>
                    <th scope="row">
                      <a class="mono" href={hrefOf({ page: 'batch', id: batch.id })}>
                        {batch.id}
                      </a>
                    </th>
                    <td class="mono small">{batch.endpoint}</td>
                    <td>
                      <StatusBadge status={batch.status} />
                    </td>
                    <td class="progress-cell">
                      <BatchProgress batch={batch} label={`Progress of ${batch.id}`} />
                    </td>
                    <td>{formatUnix(batch.created_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {moreError ? <ErrorNote error={moreError} title="Older batches could not be loaded" /> : null}
        {hasMore && batches.length > 0 ? (
          <div class="list-more">
            <button type="button" class="button" onClick={() => void loadMore()} disabled={loadingMore} aria-describedby="batches-shown">
              {loadingMore ? 'Loading…' : 'Load more'}
            </button>
            <span class="muted small" id="batches-shown">{`${batches.length} shown, newest first`}</span>
          </div>
        ) : null}
      </Section>
    </>
  );
}

/** OpenAI's two steps: the file (`POST /v1/files`, purpose `batch`), then the batch that reads it. */
function NewBatch() {
  const api = useApi();
  const [file, setFile] = useState<File | null>(null);
  const [endpoint, setEndpoint] = useState<BatchEndpoint>('/v1/chat/completions');
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<Error | string | null>(null);

  const take = (chosen: File | undefined) => {
    if (!chosen) return;
    if (chosen.size === 0) return setError(`${chosen.name} is empty: a batch file has one JSON request per line.`);
    setError(null);
    setFile(chosen);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!file) return;
    setError(null);
    try {
      setBusy('Uploading…');
      const form = new FormData();
      form.append('purpose', 'batch');
      form.append('file', file, file.name);
      const uploaded = await api.upload<{ id: string }>('/v1/files', form);
      setBusy('Creating the batch…');
      const batch = await api.json<BatchObject>('POST', '/v1/batches', { input_file_id: uploaded.id, endpoint, completion_window: '24h' });
      location.hash = hrefOf({ page: 'batch', id: batch.id });
    } catch (e) {
      setError(e as Error);
      setBusy(null);
    }
  };

  return (
    <Section title="New batch" id="new-batch">
      <form class="form" onSubmit={submit}>
        <div
          class={`dropzone${dragging ? ' is-dragging' : ''}`}
          id="batch-dropzone"
          onDragOver={(e) => (e.preventDefault(), setDragging(true))}
          onDragLeave={() => setDragging(false)}
          onDrop={(e) => {
            e.preventDefault();
            setDragging(false);
            take(e.dataTransfer?.files[0]);
          }}
        >
          <p>
            <strong>Drop a JSONL file here</strong>
            <span class="muted"> or </span>
            <label for="batch-file" class="link">
              choose one
            </label>
          </p>
          <input
            id="batch-file"
            class="visually-hidden"
            type="file"
            accept=".jsonl,.ndjson,application/jsonl,application/x-ndjson"
            onChange={(e) => take(e.currentTarget.files?.[0])}
          />
          <p class="muted small">
            One request per line: <code>{'{"custom_id": "…", "method": "POST", "url": "/v1/chat/completions", "body": {…}}'}</code>
          </p>
        </div>
        {file ? (
          <p class="chosen" id="batch-chosen-file">
            <strong>{file.name}</strong> <span class="muted">{formatBytes(file.size)}</span>
          </p>
        ) : null}
        <div class="field">
          <label for="batch-endpoint">Endpoint</label>
          <select
            id="batch-endpoint"
            aria-describedby="batch-endpoint-help"
            value={endpoint}
            onChange={(e) => setEndpoint(e.currentTarget.value as BatchEndpoint)}
          >
            {BATCH_ENDPOINT_CHOICES.map((choice) => (
              <option key={choice.endpoint} value={choice.endpoint}>
                {`${choice.label} (${choice.endpoint})`}
              </option>
            ))}
          </select>
          <p class="muted small" id="batch-endpoint-help">
            Every line's <code>url</code> must be this endpoint. The batch runs within 24 hours (<code>completion_window</code>).
          </p>
        </div>
        {error ? <ErrorNote error={error} title="The batch was not created" /> : null}
        <button type="submit" class="button button-primary" disabled={busy !== null || !file}>
          {busy ?? 'Create batch'}
        </button>
      </form>
    </Section>
  );
}
