import { useEffect, useState } from 'preact/hooks';
import type { BatchObject } from '@voxq/contracts';
import { BatchProgress, FileDownload } from '../batch-parts';
import { canCancelBatch, isFinalBatch } from '../batches';
import { formatUnix } from '../format';
import { ErrorNote, Facts, Json, Section, StatusBadge, useApi, useLoad } from '../ui';

/** The batch is read again this often until it is final (its counts move as its jobs finish). */
const REFRESH_MS = 2_000;

export function BatchPage({ id }: { id: string }) {
  const api = useApi();
  const path = `/v1/batches/${encodeURIComponent(id)}`;
  const loaded = useLoad((signal) => api.get<BatchObject>(path, signal), [api, id]);
  // The last read, or Cancel's answer when that is newer.
  const [latest, setLatest] = useState<BatchObject | undefined>(undefined);
  const [cancelling, setCancelling] = useState(false);
  const [actionError, setActionError] = useState<Error | null>(null);
  const batch = latest ?? loaded.data;
  const open = batch ? !isFinalBatch(batch.status) : false;

  useEffect(() => {
    if (loaded.data) setLatest(loaded.data);
  }, [loaded.data]);

  useEffect(() => {
    if (!open) return;
    const timer = setInterval(loaded.reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [open]);

  if (loaded.error && !batch) return <ErrorNote error={loaded.error} title="This batch could not be loaded" />;
  if (!batch) return <p class="muted">Loading…</p>;

  const cancel = async () => {
    setCancelling(true);
    setActionError(null);
    try {
      setLatest(await api.json<BatchObject>('POST', `${path}/cancel`));
    } catch (error) {
      setActionError(error as Error);
    } finally {
      setCancelling(false);
    }
  };

  const errors = batch.errors?.data ?? [];
  return (
    <>
      <p class="crumbs">
        <a href="#/batches">Batches</a> <span aria-hidden="true">/</span> <span class="mono">{batch.id}</span>
      </p>
      <div class="page-head">
        <div>
          <h1>Batch</h1>
          <p class="mono muted">{batch.id}</p>
        </div>
        <div class="head-actions">
          <span aria-live="polite" id="batch-status">
            <StatusBadge status={batch.status} />
          </span>
          {canCancelBatch(batch.status) ? (
            <button type="button" class="button button-danger" onClick={() => void cancel()} disabled={cancelling}>
              {cancelling ? 'Cancelling…' : 'Cancel batch'}
            </button>
          ) : null}
        </div>
      </div>
      {actionError ? <ErrorNote error={actionError} title="Cancel failed" /> : null}
      {loaded.error ? <ErrorNote error={loaded.error} title="The batch could not be read again" /> : null}
      {errors.length > 0 ? (
        <Section title="Why it failed" id="batch-errors">
          <ul class="plain errors">
            {errors.map((error, i) => (
              <li key={i}>
                {error.line !== null ? <span class="mono">{`line ${error.line}: `}</span> : null}
                {error.message} <span class="muted mono small">{error.code}</span>
              </li>
            ))}
          </ul>
        </Section>
      ) : null}

      <div class="grid">
        <Section title="Progress" id="batch-progress">
          <BatchProgress batch={batch} label="Requests answered" />
          <Facts
            items={[
              ['Requests', String(batch.request_counts.total)],
              ['Completed', String(batch.request_counts.completed)],
              ['Failed', String(batch.request_counts.failed)],
              ['Endpoint', <span class="mono">{batch.endpoint}</span>],
              ['Input file', <span class="mono">{batch.input_file_id}</span>],
            ]}
          />
          {batch.output_file_id || batch.error_file_id ? (
            <div class="row-actions" id="batch-files">
              {batch.output_file_id ? <FileDownload fileId={batch.output_file_id} name={`${batch.id}-output.jsonl`} label="Download output" /> : null}
              {batch.error_file_id ? <FileDownload fileId={batch.error_file_id} name={`${batch.id}-errors.jsonl`} label="Download errors" /> : null}
            </div>
          ) : null}
        </Section>
        <Section title="Timeline">
          <Facts
            items={[
              ['Created', formatUnix(batch.created_at)],
              ['In progress', batch.in_progress_at ? formatUnix(batch.in_progress_at) : null],
              ['Finalizing', batch.finalizing_at ? formatUnix(batch.finalizing_at) : null],
              ['Completed', batch.completed_at ? formatUnix(batch.completed_at) : null],
              ['Failed', batch.failed_at ? formatUnix(batch.failed_at) : null],
              ['Cancelling', batch.cancelling_at ? formatUnix(batch.cancelling_at) : null],
              ['Cancelled', batch.cancelled_at ? formatUnix(batch.cancelled_at) : null],
              ['Expired', batch.expired_at ? formatUnix(batch.expired_at) : null],
              ['Expires', open ? formatUnix(batch.expires_at) : null],
            ]}
          />
        </Section>
      </div>
      <details class="raw">
        <summary>The batch as the API returns it</summary>
        <Json value={batch} />
      </details>
    </>
  );
}
