import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { AppError, errors } from '@voxq/errors';
import { callSignal, postUpstream, type UpstreamCall } from './call-upstream';
import { headerValue } from './upstream-agent';
import { errorFromAnswer, errorFromFetchFailure } from './upstream-errors';

/** A streamed call: everything `callUpstream` takes but the answer, which is server-sent events. */
export type StreamCall = Omit<UpstreamCall<never>, 'answer'>;

export type UpstreamEvent = Pick<EventSourceMessage, 'event' | 'data'>;

/** A stream longer than this is a broken upstream, not a long reply. */
const MAX_STREAM_BYTES = 64 * 1024 * 1024;

/**
 * Posts and reads the answer as server-sent events, handing each to `onEvent` as it
 * arrives; resolves when the upstream ends the stream. Failures map as in `callUpstream`: a
 * non-2xx status through the vendor's error reader, a cut connection or an abort as a
 * transport failure. What `onEvent` throws (an error event, a malformed chunk) ends the call
 * with that error. Whether the stream ended complete is the caller's judgement (each wire
 * format has its own end marker).
 */
export async function streamUpstream(call: StreamCall, onEvent: (event: UpstreamEvent) => void): Promise<void> {
  const { provider } = call;
  const signal = callSignal(call);
  let failure: unknown;
  const parser = createParser({
    onEvent: (event) => {
      if (failure === undefined) onEvent(event);
    },
  });
  try {
    const response = await postUpstream(call, 'text/event-stream', signal);
    if (response.statusCode < 200 || response.statusCode >= 300) {
      const text = await response.body.text();
      failure = errorFromAnswer(provider, response.statusCode, text, headerValue(response.headers, 'retry-after'), call.readError);
    } else if (!(headerValue(response.headers, 'content-type') ?? '').toLowerCase().startsWith('text/event-stream')) {
      response.body.destroy();
      failure = errors.providerUnavailable(
        provider,
        `malformed response: asked for a stream, got ${headerValue(response.headers, 'content-type') ?? 'no content type'}`,
      );
    } else {
      let bytes = 0;
      // A multi-byte character may be split between chunks.
      const decoder = new TextDecoder();
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        if (bytes > MAX_STREAM_BYTES) throw errors.providerUnavailable(provider, `malformed response: stream longer than ${MAX_STREAM_BYTES} bytes`);
        try {
          parser.feed(decoder.decode(chunk, { stream: true }));
        } catch (error) {
          failure = error;
        }
        if (failure !== undefined) {
          response.body.destroy();
          break;
        }
      }
    }
  } catch (error) {
    if (failure === undefined) failure = error instanceof AppError ? error : errorFromFetchFailure(provider, error, signal);
  }
  if (failure !== undefined) throw failure;
}
