import { useEffect } from 'preact/hooks';
import type { JobView } from '@voxq/contracts';
import { elapsed, formatTime } from '../format';
import { isFinished, useLiveJobs } from '../live';
import { hrefOf } from '../routes';
import { ErrorNote, StatusBadge, useApi, useLoad } from '../ui';

const TYPES = ['transcribe', 'synthesize', 'complete', 'embed', 'image'];
const STATUSES = ['queued', 'active', 'completed', 'failed', 'cancelled'];
const STATUS_NAMES: Record<string, string> = { active: 'running' };
/** The list is read again this often while it shows a job still open (new jobs appear, and those not followed live move on). */
const REFRESH_MS = 5_000;

interface JobList {
  data: JobView[];
  nextCursor: string | null;
  hasMore: boolean;
}

export function JobsPage({ type, status }: { type?: string | undefined; status?: string | undefined }) {
  const api = useApi();
  const query = new URLSearchParams({ limit: '50', ...(type ? { type } : {}), ...(status ? { status } : {}) }).toString();
  const list = useLoad((signal) => api.get<JobList>(`/v1/jobs?${query}`, signal), [api, query]);
  const jobs = list.data?.data ?? [];
  const live = useLiveJobs(api, jobs);
  // A live view is newer than the list's, unless the list already has the job finished.
  const shown = jobs.map((job) => (isFinished(job.status) ? job : (live.get(job.id) ?? job)));
  const anyOpen = shown.some((job) => !isFinished(job.status));

  useEffect(() => {
    if (!anyOpen) return;
    const timer = setInterval(list.reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [anyOpen, query]);

  const filter = (change: { type?: string; status?: string }) => {
    const next = { type, status, ...change };
    location.hash = hrefOf({ page: 'jobs', ...(next.type ? { type: next.type } : {}), ...(next.status ? { status: next.status } : {}) });
  };

  return (
    <>
      <div class="page-head">
        <div>
          <h1>Jobs</h1>
          <p class="muted">Newest first. Open jobs update live as their events arrive.</p>
        </div>
        <a class="button button-primary" href="#/submit/speech">
          New job
        </a>
      </div>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter jobs">
        <div class="field">
          <label for="filter-type">Type</label>
          <select id="filter-type" value={type ?? ''} onChange={(e) => filter({ type: e.currentTarget.value })}>
            <option value="">All types</option>
            {TYPES.map((t) => (
              <option value={t} key={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-status">Status</label>
          <select id="filter-status" value={status ?? ''} onChange={(e) => filter({ status: e.currentTarget.value })}>
            <option value="">All statuses</option>
            {STATUSES.map((s) => (
              <option value={s} key={s}>
                {STATUS_NAMES[s] ?? s}
              </option>
            ))}
          </select>
        </div>
        <span class="filters-state muted" aria-live="polite">
          {list.loading && !list.data ? 'Loading…' : `${shown.length}${list.data?.hasMore ? '+' : ''} job${shown.length === 1 ? '' : 's'}`}
        </span>
      </form>
      {list.error ? <ErrorNote error={list.error} title="The jobs could not be loaded" /> : null}
      {list.data && shown.length === 0 ? (
        <div class="empty">
          <p>No jobs{type || status ? ' match these filters' : ' yet'}.</p>
          {type || status ? null : (
            <a class="button" href="#/submit/speech">
              Submit your first job
            </a>
          )}
        </div>
      ) : null}
      {shown.length > 0 ? (
        <div class="table-wrap">
          <table class="table" id="jobs-table">
            <caption class="visually-hidden">Your jobs, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Took</th>
                <th scope="col">Provider</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((job) => (
                <tr key={job.id} data-job-id={job.id}>
                  <th scope="row">
                    <a class="mono" href={hrefOf({ page: 'job', id: job.id })}>
                      {job.id}
                    </a>
                  </th>
                  <td>{job.type}</td>
                  <td>
                    <StatusBadge status={job.status} />
                  </td>
                  <td>{formatTime(job.createdAt)}</td>
                  <td>{elapsed(job.createdAt, job.finishedAt)}</td>
                  <td>{job.result ? `${job.result.provider} · ${job.result.model}` : job.error ? <span class="muted">{job.error.code}</span> : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
