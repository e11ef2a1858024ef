import type { Request, Response } from 'express';
import type { CompleteResult, JobView, ServerToolCall, ToolProgress } from '@voxq/contracts';
import { AppError, errors } from '@voxq/errors';
import type { JobFeed, Submission } from '@voxq/intake';
import { ReplyTracker } from '@voxq/job-stream';
import { completeView, isSpekoSdk, provenanceOf, spekoErrorBody } from '@voxq/surfaces';
import { clientGone, jobError, lastEventIdOf, openEventStream, submitSync, waitFor, type EventStream, type OneShotDeps } from './one-shot';

type Send = EventStream['send'];

/** An `error` event as the Speko SDK reads it: `{error: "<message>", code}`, and the job it is about. */
function sendError(send: Send, error: unknown, jobId: string): void {
  const appError = error instanceof AppError ? error : errors.internal('Internal server error.');
  send('error', { ...spekoErrorBody(appError), jobId });
}

/** The job as a one-shot answer: its result, or the error its caller gets. */
function resultOf(job: JobView, waitMs: number): unknown {
  if (job.status === 'failed' || job.status === 'cancelled') throw jobError(job);
  if (job.status !== 'completed' || !job.result) throw errors.jobWaitTimeout(job.id, job.status, waitMs);
  return job.result;
}

function open(req: Request, res: Response, jobId: string): EventStream {
  res.setHeader('X-Voxq-Job-Id', jobId);
  return openEventStream(res, !isSpekoSdk(req.header('user-agent')));
}

/**
 * A one-shot job whose provider answers whole (transcribe, synthesize) as server-sent
 * events: `onDone` sends what its result makes (`meta`, `transcript`, `done`), or an `error`.
 */
export async function streamWhole<R>(
  deps: OneShotDeps,
  req: Request,
  res: Response,
  submission: Submission,
  onDone: (send: Send, job: JobView, result: R) => void,
) {
  const { job: queued } = await submitSync(deps, req, res, submission);
  const sse = open(req, res, queued.id);
  try {
    const job = await waitFor(deps, req, res, queued.id);
    onDone((event, data, id) => sse.send(event, data, id), job, resultOf(job, deps.syncWaitMs) as R);
  } catch (error) {
    sendError((event, data) => sse.send(event, data), error, queued.id);
  }
  sse.end();
}

/** `server_tool_call` as the SDK types it; voxq adds the tool-loop `hop`. */
const toolEvent = (call: ToolProgress) => ({ id: call.id, name: call.name, status: call.status, hop: call.hop });

/**
 * `/v1/complete` as server-sent events while the worker streams the reply (seed 001, the
 * Speko SDK's `CompleteStreamEvent`s): `meta` as each reply starts (provider, model, its
 * hop's and the job's failovers so far, the scores run, the tool-loop `hop`), `delta` per
 * piece of text, `server_tool_call` as each server-side call starts and answers, then the
 * client's `tool_call`s and `done`. A provider that fails after sending pieces ends the
 * stream with an `error` (`STREAM_INTERRUPTED`): the pieces cannot be taken back.
 */
export async function streamComplete(deps: OneShotDeps & { feed: JobFeed }, req: Request, res: Response, submission: Submission): Promise<void> {
  const after = lastEventIdOf(req);
  const { principal, job: queued } = await submitSync(deps, req, res, submission);
  const sse = open(req, res, queued.id);
  const tracker = new ReplyTracker(after);
  /** Server-side calls whose answer was shown, so `done` does not repeat them. */
  const answered = new Set<string>();
  try {
    for await (const item of deps.feed.follow(principal, queued.id, { waitMs: deps.syncWaitMs, signal: clientGone(req, res) })) {
      if (item.kind === 'items') {
        for (const event of tracker.read(item.items)) {
          if (event.type === 'reset') throw errors.streamInterrupted(queued.id, event.provider, event.message);
          if (event.type === 'tool' && event.call.status !== 'started') answered.add(`${event.call.hop}.${event.call.id}`);
          if (event.replayed) continue;
          if (event.type === 'reply') {
            const { provider, model, hop } = event;
            const failoverCount = event.failoverCount ?? 0;
            const meta = {
              provider,
              model,
              failoverCount,
              totalFailoverCount: event.totalFailoverCount ?? failoverCount,
              scoresRunId: event.scoresRunId ?? null,
              hop,
            };
            sse.send('meta', { ...meta, jobId: queued.id }, event.id);
          } else if (event.type === 'tool') sse.send('server_tool_call', toolEvent(event.call), event.id);
          // A lead-in is text to say (or show) while the tools run: a delta, as the SDK renders it.
          else if (event.type === 'lead') sse.send('delta', { text: event.text }, event.id);
          else if (event.delta.c) sse.send('delta', { text: event.delta.c }, event.id);
        }
        continue;
      }
      const result = resultOf(item.job, deps.syncWaitMs) as CompleteResult;
      const outcome = tracker.outcome();
      if (outcome === 'broken') throw errors.streamInterrupted(queued.id, result.provider, 'a later provider call did not stream');
      if (outcome === 'none') {
        const { failoverCount } = result;
        sse.send('meta', { ...provenanceOf(result), totalFailoverCount: failoverCount, hop: 0, jobId: queued.id });
        if (result.text) sse.send('delta', { text: result.text });
      }
      for (const call of result.serverToolCalls ?? []) {
        if (!answered.has(`${call.hop}.${call.id}`)) sse.send('server_tool_call', toolEvent(answerOf(call)));
      }
      for (const call of result.toolCalls ?? []) sse.send('tool_call', call);
      sse.send('done', { ...completeView(result), jobId: queued.id });
    }
  } catch (error) {
    sendError((event, data) => sse.send(event, data), error, queued.id);
  }
  sse.end();
}

/** A finished call's progress, for a reader that did not see it live (a job that did not stream its tool loop). */
const answerOf = (call: ServerToolCall): ToolProgress => ({ id: call.id, name: call.name, hop: call.hop, status: call.isError ? 'failed' : 'completed' });
