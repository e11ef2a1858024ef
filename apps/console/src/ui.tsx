import type { ComponentChildren } from 'preact';
import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { Api } from './api';

export const ApiContext = createContext<Api | null>(null);

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside a signed-in console');
  return api;
}

/** What a load gives a page: its data, its error, and a way to load again. */
export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` on mount and whenever `deps` change; a stale answer never overwrites a newer one. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [round, setRound] = useState(0);
  const lastDeps = useRef<unknown[] | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    // Other deps (a new filter) show nothing rather than the old answer; a reload keeps it on screen.
    const sameDeps = lastDeps.current !== null && lastDeps.current.length === deps.length && deps.every((d, i) => Object.is(d, lastDeps.current?.[i]));
    lastDeps.current = deps;
    setState((s) => (sameDeps ? { ...s, loading: true } : { loading: true }));
    load(controller.signal).then(
      (data) => !controller.signal.aborted && setState({ data, loading: false }),
      (error: Error) => !controller.signal.aborted && setState((s) => ({ ...s, error, loading: false })),
    );
    return () => controller.abort();
    // `deps` are the caller's: what the load reads.
  }, [...deps, round]);
  return { data: state.data, error: state.error, loading: state.loading, reload: () => setRound((r) => r + 1) };
}

/**
 * The API's files at `paths`, fetched with the key and held as `blob:` URLs, which the CSP
 * allows for media and images (an S3 presigned URL is another origin, which it refuses);
 * each is revoked when the files are loaded again or the page goes.
 */
export function useBlobUrls(paths: readonly string[]): Loaded<string[]> {
  const api = useApi();
  const loaded = useLoad((signal) => Promise.all(paths.map(async (path) => URL.createObjectURL(await api.blob(path, signal)))), [api, paths.join('\n')]);
  useEffect(() => () => loaded.data?.forEach((url) => URL.revokeObjectURL(url)), [loaded.data]);
  return loaded;
}

const STATUS_LABELS: Record<string, string> = {
  queued: 'Queued',
  active: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
  // A batch's (BATCH_STATUSES in @voxq/contracts).
  validating: 'Validating',
  in_progress: 'In progress',
  finalizing: 'Finalizing',
  cancelling: 'Cancelling',
  expired: 'Expired',
};

/** A status as a coloured label; the word is always shown, colour is never the only signal. */
export function StatusBadge({ status }: { status: string }) {
  return (
    <span class={`badge badge-${status}`} data-status={status}>
      {STATUS_LABELS[status] ?? status.replaceAll('_', ' ')}
    </span>
  );
}

export function ErrorNote({ error, title = 'Something went wrong' }: { error: Error | string; title?: string }) {
  return (
    <div class="note note-error" role="alert">
      <strong>{title}.</strong> {typeof error === 'string' ? error : error.message}
    </div>
  );
}

export function Section({ title, children, actions, id }: { title: string; children: ComponentChildren; actions?: ComponentChildren; id?: string }) {
  return (
    <section class="card" aria-labelledby={id ? `${id}-title` : undefined} id={id}>
      <div class="card-head">
        <h2 id={id ? `${id}-title` : undefined}>{title}</h2>
        {actions ? <div class="card-actions">{actions}</div> : null}
      </div>
      {children}
    </section>
  );
}

/** Definition list of label → value pairs; empty values are left out. */
export function Facts({ items }: { items: Array<[string, ComponentChildren]> }) {
  return (
    <dl class="facts">
      {items
        .filter(([, value]) => value !== null && value !== undefined && value !== '')
        .map(([label, value]) => (
          <div class="fact" key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
    </dl>
  );
}

export function Json({ value }: { value: unknown }) {
  return <pre class="json">{JSON.stringify(value, null, 2)}</pre>;
}
