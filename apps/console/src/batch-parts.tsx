import { useState } from 'preact/hooks';
import type { BatchObject } from '@voxq/contracts';
import { isFinalBatch, progressOf } from './batches';
import { ErrorNote, useApi } from './ui';

/** Lines answered of all, as a bar and in words (the words are what a screen reader and the eye both get). */
export function BatchProgress({ batch, label }: { batch: BatchObject; label: string }) {
  const { done, total } = progressOf(batch);
  const { completed, failed } = batch.request_counts;
  if (total === 0) {
    // Not counted yet (validating), or never will be (it failed validation, or was cancelled first).
    return (
      <div class="batch-progress">
        {isFinalBatch(batch.status) ? null : <progress aria-label={label} />}
        <span class="sub">{isFinalBatch(batch.status) ? 'No requests run' : 'Counting the requests…'}</span>
      </div>
    );
  }
  return (
    <div class="batch-progress">
      <progress max={total} value={done} aria-label={label} />
      <span class="sub">
        {`${done} of ${total}`}
        {failed > 0 ? ` · ${completed} ok, ${failed} failed` : ''}
      </span>
    </div>
  );
}

/**
 * Downloads a file of the batch (`GET /v1/files/:id/content`) with the key in the Authorization
 * header, then saves it from a `blob:` URL: a plain link would need the key in its address.
 */
export function FileDownload({ fileId, name, label }: { fileId: string; name: string; label: string }) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const url = URL.createObjectURL(await api.blob(`/v1/files/${encodeURIComponent(fileId)}/content`));
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      link.click();
      // The browser has taken the blob once the click's download starts.
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" class="button button-small" onClick={() => void save()} disabled={busy}>
        {busy ? 'Downloading…' : label}
      </button>
      {error ? <ErrorNote error={error} title={`${label} failed`} /> : null}
    </>
  );
}
