import { Router } from 'express';
import type { RedisClient } from '@voxq/redis-keys';
import type { Config } from '@voxq/config';
import { isTerminal, type JobView } from '@voxq/contracts';
import { JOB_ID_PATTERN } from '@voxq/job-store';
import { followJobStream, ReplyTracker, type StreamFollower, type StreamItem } from '@voxq/job-stream';
import { KeyShards } from '@voxq/redis-keys';
import { errors } from '@voxq/errors';
import { principalOf } from '../middleware/authenticate';
import type { JobChannels, JobService } from '@voxq/intake';
import { lastEventIdOf, openEventStream } from './one-shot';

/** How often an open stream re-reads the job anyway (a final-status message lost in a reconnect). */
const POLL_MS = 5_000;

/**
 * `GET /v1/jobs/:id/events`: the job's life as server-sent events, from any API replica.
 * It opens with `job` (the job as it is now), then streams what the workers publish on the
 * job's channel (`started`, `provider_attempt`, `attempt_failed`, `waiting`, `tool_calls`),
 * and ends with `completed`, `failed` or `cancelled` carrying the finished job. A job that
 * has already ended gets `job` and its final event at once.
 *
 * A streamed job (`input.stream`) also sends its reply as it is made: `delta` events (with
 * an `id:` to resume after with `Last-Event-ID`; replayed from the start otherwise), and
 * `delta_reset` when the pieces sent so far are void (the provider sending them failed, and
 * the job fails over or retries: the next `delta`s start the reply again).
 */
export function jobEventsRoutes(deps: { config: Config; redis: RedisClient; jobs: JobService; channels: JobChannels }): Router {
  const router = Router();

  router.get('/v1/jobs/:id/events', async (req, res) => {
    const principal = principalOf(req);
    const id = String(req.params.id);
    if (!JOB_ID_PATTERN.test(id)) throw errors.notFound('job', id);
    const after = lastEventIdOf(req);
    await deps.jobs.get(principal, id); // 404 before the stream opens
    const { channels } = deps;
    const shards = KeyShards.for(deps.config.redis);
    const keys = shards.keysFor(id);
    const sse = openEventStream(res);
    let ended = false;
    let finishing = false;
    const stops: Array<() => void> = [];
    const end = () => {
      if (ended) return;
      ended = true;
      clearInterval(poll);
      stops.forEach((stop) => stop());
      sse.end();
    };
    let following: (follower: StreamFollower | null) => void = () => undefined;
    const follower = new Promise<StreamFollower | null>((resolve) => (following = resolve));
    const finish = (job: JobView) => {
      if (ended || finishing) return;
      finishing = true;
      // The worker wrote the whole reply before the job ended: send its tail first.
      void follower
        .then((f) => f?.drain())
        .catch(() => undefined)
        .then(() => {
          if (ended) return;
          sse.send(job.status, job);
          end();
        });
    };
    const check = () =>
      void deps.jobs.get(principal, id).then(
        (job) => (isTerminal(job.status) ? finish(job) : undefined),
        () => end(),
      );
    const poll = setInterval(check, POLL_MS);
    res.on('close', end);

    const tracker = new ReplyTracker(after);
    const relay = (items: StreamItem[]) => {
      for (const event of tracker.read(items)) {
        if (ended || event.replayed) continue;
        if (event.type === 'delta') {
          const { i, c, tc } = event.delta;
          sse.send('delta', { type: 'delta', index: i ?? 0, ...(c ? { content: c } : {}), ...(tc ? { toolCalls: tc } : {}) }, event.id);
        } else if (event.type === 'reset') {
          sse.send('delta_reset', { type: 'delta_reset', code: event.code, message: event.message, provider: event.provider }, event.id);
        } else if (event.type === 'lead') {
          sse.send('lead_in', { type: 'lead_in', hop: event.hop, text: event.text }, event.id);
        } else if (event.type === 'tool') {
          sse.send('server_tool_call', { type: 'server_tool_call', ...event.call }, event.id);
        } else sse.send('reply', { type: 'reply', hop: event.hop, provider: event.provider, model: event.model }, event.id);
      }
    };

    // Subscribed and the job marked watched first (a job nobody watches publishes nothing),
    // then the snapshot: nothing published in between is missed.
    const watched = deps.jobs.watch(id).catch(() => undefined); // unmarked, the poll still ends the stream
    stops.push(
      await channels.listen(keys.channels.jobEvents(id), (message) => {
        // Once the job is known to have ended, a run-time event is from an attempt already
        // over: on a Redis Cluster one can still arrive (relayed between nodes) after the
        // record said so. It would land between `job` and the final event: dropped.
        if (ended || finishing) return;
        const event = JSON.parse(message) as { type: string };
        sse.send(event.type, event);
      }),
      await channels.listen(keys.channels.jobDone(id), check),
    );
    await watched;
    if (ended) return stops.forEach((stop) => stop());
    const job = await deps.jobs.get(principal, id);
    sse.send('job', job);
    // The reply's stream is read from its start (nothing in it can be missed), after `job`.
    const listen = (channel: string, fn: (message: string) => void) => channels.listen(channel, fn);
    try {
      const reading = await followJobStream({ redis: deps.redis, shards, listen, jobId: id, onItems: relay });
      stops.push(() => reading.stop());
      following(reading);
    } catch (error) {
      following(null);
      throw error;
    }
    if (ended) return stops.forEach((stop) => stop());
    if (isTerminal(job.status)) finish(job);
  });

  return router;
}
