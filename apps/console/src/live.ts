import { useEffect, useRef, useState } from 'preact/hooks';
import type { JobView } from '@voxq/contracts';
import type { Api, StreamEvent } from './api';

export const TERMINAL = ['completed', 'failed', 'cancelled'];
export const isFinished = (status: string) => TERMINAL.includes(status);

/** The job a stream event leaves: final events and `job` carry the whole job, `started` makes it active. */
export function applyEvent(job: JobView, event: StreamEvent): JobView {
  if (event.type === 'job' || isFinished(event.type)) return event.data as JobView;
  if (event.type === 'started') {
    const { attempt } = event.data as { attempt: number };
    return { ...job, status: 'active', attempts: Math.max(job.attempts, attempt) };
  }
  return job;
}

/**
 * Follows open jobs over their event streams and keeps each one's latest view. Browsers open
 * six HTTP/1.1 connections per origin: at most `max` streams at once leave room for the page's
 * other calls (the list refreshes for the rest).
 */
export function useLiveJobs(api: Api, jobs: readonly JobView[], max = 3): Map<string, JobView> {
  const [updates, setUpdates] = useState(() => new Map<string, JobView>());
  const streams = useRef(new Map<string, AbortController>());
  const open = jobs.filter((job) => !isFinished((updates.get(job.id) ?? job).status)).slice(0, max);
  const wanted = open.map((job) => job.id).join(',');

  useEffect(() => {
    const ids = new Set(wanted.split(',').filter(Boolean));
    for (const [id, controller] of streams.current) {
      if (!ids.has(id)) {
        controller.abort();
        streams.current.delete(id);
      }
    }
    for (const job of open) {
      if (streams.current.has(job.id)) continue;
      const controller = new AbortController();
      streams.current.set(job.id, controller);
      let current = job;
      void api
        .stream(
          `/v1/jobs/${encodeURIComponent(job.id)}/events`,
          (event) => {
            current = applyEvent(current, event);
            setUpdates((map) => new Map(map).set(job.id, current));
          },
          controller.signal,
        )
        .catch(() => undefined)
        .finally(() => streams.current.get(job.id) === controller && streams.current.delete(job.id));
    }
    // `open` is read through `wanted`, its ids.
  }, [api, wanted]);

  useEffect(
    () => () => {
      for (const controller of streams.current.values()) controller.abort();
      streams.current.clear();
    },
    [],
  );
  return updates;
}
