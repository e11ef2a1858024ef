import { retryDelayMs, type BackoffOptions } from './backoff';
import { sleep } from './sleep';
import { errorFromResponse, VoxqError } from './voxq-error';

export interface VoxqClientOptions {
  /** The API's address, e.g. `http://127.0.0.1:8080` (a trailing `/` or `/v1` is ignored). */
  baseUrl: string;
  /** A tenant's API key (`vq_…`), sent as `Authorization: Bearer`. */
  apiKey: string;
  /** Another `fetch` (a test double, a proxy-aware one). @defaultValue `globalThis.fetch` */
  fetch?: typeof fetch;
  /** Time allowed for each attempt of a request, answer body included (not for event streams). @defaultValue 60_000 */
  timeoutMs?: number;
  /** Further attempts after a 429, a 5xx, a network error or a timeout, for requests safe to repeat. @defaultValue 2 */
  maxRetries?: number;
  /** Delays between attempts; a `Retry-After` from the API is always waited out. */
  backoff?: BackoffOptions;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
}

/** What `fetch` takes as a body (named here: the SDK does not assume the DOM typings). */
export type BodyInit = NonNullable<RequestInit['body']>;

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, QueryValue>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as it is (bytes, a stream, a form). */
  body?: BodyInit;
  headers?: Record<string, string>;
  /**
   * Whether sending the request again is harmless. By default GET and DELETE are, and a POST
   * only when it carries an `Idempotency-Key`: the API then answers a repeat with the first
   * result instead of doing the work twice. A streamed body is never sent twice.
   */
  retry?: boolean;
  signal?: AbortSignal;
  /** This request's own per-attempt timeout; null for none (event streams). */
  timeoutMs?: number | null;
}

function abortError(signal: AbortSignal): VoxqError {
  if (signal.reason instanceof VoxqError) return signal.reason;
  return new VoxqError({
    status: null,
    type: 'connection_error',
    code: 'aborted',
    param: null,
    message: 'The request was aborted.',
    requestId: null,
    retryAfter: null,
    cause: signal.reason,
  });
}

/** `fetch failed` says little; its cause says what (`ECONNREFUSED 127.0.0.1:8080`). */
function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return [(error as Error).message, cause?.code ?? cause?.message].filter(Boolean).join(': ');
}

const isStream = (body: BodyInit | undefined) => typeof ReadableStream !== 'undefined' && body instanceof ReadableStream;

/** The HTTP layer every resource uses: auth, timeouts, the error envelope, retries. */
export class Transport {
  private readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;

  constructor(private readonly options: VoxqClientOptions) {
    if (!options.baseUrl) throw new TypeError('VoxqClient needs a baseUrl.');
    if (!options.apiKey) throw new TypeError('VoxqClient needs an apiKey.');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
    this.fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.maxRetries = Math.max(0, options.maxRetries ?? 2);
  }

  url(path: string, query: Record<string, QueryValue> = {}): string {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== null) url.searchParams.set(name, String(value));
    return url.toString();
  }

  /** Sends the request (again, when safe and worth it) and returns the first 2xx answer; throws a `VoxqError` otherwise. */
  async request(spec: RequestSpec): Promise<Response> {
    const headers: Record<string, string> = { ...this.options.headers, authorization: `Bearer ${this.options.apiKey}`, ...spec.headers };
    let body = spec.body;
    if (spec.json !== undefined) {
      body = JSON.stringify(spec.json);
      headers['content-type'] = 'application/json';
    }
    const hasKey = Object.keys(headers).some((name) => name.toLowerCase() === 'idempotency-key');
    const safe = (spec.retry ?? (spec.method === 'GET' || spec.method === 'DELETE' || hasKey)) && !isStream(body);
    const maxRetries = safe ? this.maxRetries : 0;
    const timeoutMs = spec.timeoutMs === undefined ? this.timeoutMs : spec.timeoutMs;
    const url = this.url(spec.path, spec.query);

    for (let retry = 0; ; retry++) {
      const timeout = timeoutMs === null ? null : AbortSignal.timeout(timeoutMs);
      const signals = [spec.signal, timeout].filter((s): s is AbortSignal => s !== undefined && s !== null);
      const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
      let failure: VoxqError;
      try {
        const response = await this.fetchFn(url, {
          method: spec.method,
          headers,
          ...(body === undefined ? {} : { body }),
          ...(signal ? { signal } : {}),
          // Node's fetch needs this to send a stream as the body.
          ...(isStream(body) ? { duplex: 'half' } : {}),
        } as RequestInit);
        if (response.ok) return response;
        failure = await errorFromResponse(response);
      } catch (error) {
        if (spec.signal?.aborted) throw abortError(spec.signal);
        failure = timeout?.aborted
          ? new VoxqError({
              status: null,
              type: 'timeout_error',
              code: 'timeout',
              param: null,
              message: `${spec.method} ${spec.path} got no answer within ${timeoutMs} ms.`,
              requestId: null,
              retryAfter: null,
              cause: error,
            })
          : new VoxqError({
              status: null,
              type: 'connection_error',
              code: 'network_error',
              param: null,
              message: `${spec.method} ${spec.path} failed: ${describeCause(error)}`,
              requestId: null,
              retryAfter: null,
              cause: error,
            });
      }
      if (retry >= maxRetries || !failure.retryable) throw failure;
      await sleep(retryDelayMs(retry, failure.retryAfter, this.options.backoff), spec.signal).catch(() => {
        throw abortError(spec.signal!);
      });
    }
  }

  async json<T>(spec: RequestSpec): Promise<T> {
    const response = await this.request({ ...spec, headers: { accept: 'application/json', ...spec.headers } });
    try {
      return (await response.json()) as T;
    } catch (error) {
      // The body broke off, timed out, or was not JSON (a proxy's page with a 200).
      if (spec.signal?.aborted) throw abortError(spec.signal);
      throw new VoxqError({
        status: response.status,
        type: 'api_error',
        code: 'invalid_response',
        param: null,
        message: `${spec.method} ${spec.path}: the answer could not be read as JSON (${describeCause(error)}).`,
        requestId: response.headers.get('x-request-id'),
        retryAfter: null,
        cause: error,
      });
    }
  }
}
