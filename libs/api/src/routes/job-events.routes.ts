import { Router } from 'express';
import type { Config } from '@voxq/config';
import { isTerminal, type JobView } from '@voxq/contracts';
import { JOB_ID_PATTERN } from '@voxq/job-store';
import { redisKeys } from '@voxq/redis-keys';
import { errors } from '@voxq/errors';
import { principalOf } from '../middleware/authenticate';
import type { JobChannels, JobService } from '@voxq/intake';
import { openEventStream } from './one-shot';

/** How often an open stream re-reads the job anyway (a final-status message lost in a reconnect). */
const POLL_MS = 5_000;

/**
 * `GET /v1/jobs/:id/events`: the job's life as server-sent events, from any API replica.
 * It opens with `job` (the job as it is now), then streams what the workers publish on the
 * job's channel (`started`, `provider_attempt`, `attempt_failed`, `waiting`, `tool_calls`),
 * and ends with `completed`, `failed` or `cancelled` carrying the finished job. A job that
 * has already ended gets `job` and its final event at once.
 */
export function jobEventsRoutes(deps: { config: Config; jobs: JobService; channels: JobChannels }): Router {
  const router = Router();

  router.get('/v1/jobs/:id/events', async (req, res) => {
    const principal = principalOf(req);
    const id = String(req.params.id);
    if (!JOB_ID_PATTERN.test(id)) throw errors.notFound('job', id);
    await deps.jobs.get(principal, id); // 404 before the stream opens
    const { channels } = deps;
    const prefix = deps.config.redis.prefix;
    const sse = openEventStream(res);
    let ended = false;
    const stops: Array<() => void> = [];
    const end = () => {
      if (ended) return;
      ended = true;
      clearInterval(poll);
      stops.forEach((stop) => stop());
      sse.end();
    };
    const finish = (job: JobView) => {
      if (ended) return;
      sse.send(job.status, job);
      end();
    };
    const check = () =>
      void deps.jobs.get(principal, id).then(
        (job) => (isTerminal(job.status) ? finish(job) : undefined),
        () => end(),
      );
    const poll = setInterval(check, POLL_MS);
    res.on('close', end);

    // Subscribed first, then the snapshot: nothing published in between is missed.
    stops.push(
      await channels.listen(redisKeys(prefix).channels.jobEvents(id), (message) => {
        if (ended) return;
        const event = JSON.parse(message) as { type: string };
        sse.send(event.type, event);
      }),
      await channels.listen(redisKeys(prefix).channels.jobDone(id), check),
    );
    if (ended) return stops.forEach((stop) => stop());
    const job = await deps.jobs.get(principal, id);
    sse.send('job', job);
    if (isTerminal(job.status)) finish(job);
  });

  return router;
}
