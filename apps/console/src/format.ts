/** Short, locale-aware renderings of what the API sends. */

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** `850 ms`, `2.4 s`, `3 min 5 s`. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** Between two instants; `—` until both are known. */
export function elapsed(from: string | null | undefined, to: string | null | undefined): string {
  if (!from || !to) return '—';
  return formatMs(Date.parse(to) - Date.parse(from));
}

/** A transcript timestamp: `1:05.3`. */
export function formatSeconds(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds - minutes * 60;
  return `${minutes}:${rest.toFixed(1).padStart(4, '0')}`;
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '—';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function formatNumber(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : value.toLocaleString();
}

/** A Unix time in seconds (the batch object's timestamps, as OpenAI's), like `formatTime`. */
export function formatUnix(seconds: number | null | undefined): string {
  return seconds === null || seconds === undefined ? '—' : formatTime(new Date(seconds * 1000).toISOString());
}
