import { request } from 'undici';
import type { AnswerSpec, AnswerStream, RawAnswer } from './answer';
import { answerText } from './answer';
import { encodeBody, type UpstreamBody } from './request-body';
import { headerValue, upstreamAgent } from './upstream-agent';
import { errorFromAnswer, errorFromFetchFailure, type ErrorReader } from './upstream-errors';

/** One POST to a vendor: everything that differs between vendors, as data. */
export interface UpstreamCall<T> {
  /** Provider name, for error messages and codes. */
  provider: string;
  url: string;
  /** Auth and version headers; `content-type` and `accept` come from `body` and `answer`. */
  headers: Readonly<Record<string, string>>;
  body: UpstreamBody;
  /** `jsonAnswer(schema)` or `audioAnswer()`. */
  answer: AnswerSpec<T>;
  /** The vendor's error envelope reader (its folder's `errors.ts`). */
  readError: ErrorReader;
  /** The job's signal (cancellation and the router's per-call timeout). */
  signal: AbortSignal;
  /** An extra budget for this call alone; its expiry is a timeout (fail over), not a cancel. */
  timeoutMs?: number;
}

/** The call's signal: the job's, and the call's own budget when it has one (its expiry is a timeout). */
export const callSignal = (call: Pick<UpstreamCall<unknown>, 'signal' | 'timeoutMs'>): AbortSignal =>
  call.timeoutMs === undefined ? call.signal : AbortSignal.any([call.signal, AbortSignal.timeout(call.timeoutMs)]);

/** The POST itself, for `callUpstream` and `streamUpstream`: the body encoded, the vendor's headers, the shared pool. */
export function postUpstream(call: Pick<UpstreamCall<unknown>, 'url' | 'headers' | 'body'>, accept: string, signal: AbortSignal) {
  const { payload, contentType } = encodeBody(call.body);
  return request(call.url, {
    method: 'POST',
    dispatcher: upstreamAgent,
    headers: { 'content-type': contentType, accept, ...call.headers },
    body: payload,
    signal,
  });
}

/**
 * The one upstream call engine: posts, maps a transport failure or abort and every non-2xx
 * status to voxq's typed errors (with `Retry-After` on 429s), and parses the answer. A
 * failure while reading the body (a cut connection, an oversized answer) is a transport
 * failure too, so a truncated answer never passes for a short one.
 */
export async function callUpstream<T>(call: UpstreamCall<T>): Promise<T> {
  const { provider, answer } = call;
  const signal = callSignal(call);
  let raw: RawAnswer;
  try {
    const response = await postUpstream(call, answer.accept, signal);
    const body = await answer.read(response.body as AnswerStream);
    raw = { status: response.statusCode, headers: response.headers, body, contentType: headerValue(response.headers, 'content-type')?.toLowerCase() ?? null };
  } catch (error) {
    throw errorFromFetchFailure(provider, error, signal);
  }
  if (raw.status < 200 || raw.status >= 300) {
    throw errorFromAnswer(provider, raw.status, answerText(raw), headerValue(raw.headers, 'retry-after'), call.readError);
  }
  return answer.parse(provider, raw);
}
