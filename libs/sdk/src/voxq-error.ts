/** What the API's error envelope says, plus what the response and the transport add. */
export interface VoxqErrorFields {
  /** HTTP status; null when no answer came (network error, timeout). */
  status: number | null;
  /** The envelope's `type` (`invalid_request_error`, `rate_limit_error`, …) or `connection_error` / `timeout_error`. */
  type: string;
  /** Stable machine-readable code (`invalid_request`, `not_found`, `idempotency_key_reused`, …). */
  code: string;
  /** The request field at fault (`input.temperature`, `Idempotency-Key`), when the API names one. */
  param: string | null;
  message: string;
  /** The API's `X-Request-Id` for this request: quote it when asking about a failure. */
  requestId: string | null;
  /** Seconds the API asked to wait (`Retry-After`), when it did. */
  retryAfter: number | null;
  cause?: unknown;
}

/**
 * Every error the SDK throws: an API error envelope, a network failure or a timeout.
 * `status`, `type` and `code` are stable and meant for branching; `message` is for people.
 */
export class VoxqError extends Error implements VoxqErrorFields {
  override readonly name = 'VoxqError';
  readonly status: number | null;
  readonly type: string;
  readonly code: string;
  readonly param: string | null;
  readonly requestId: string | null;
  readonly retryAfter: number | null;

  constructor(fields: VoxqErrorFields) {
    super(fields.message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.status = fields.status;
    this.type = fields.type;
    this.code = fields.code;
    this.param = fields.param;
    this.requestId = fields.requestId;
    this.retryAfter = fields.retryAfter;
  }

  /** Whether sending the same request again may succeed: rate limits, 5xx, network errors and timeouts. */
  get retryable(): boolean {
    if (this.status === null) return this.code === 'network_error' || this.code === 'timeout';
    return this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** Seconds from a `Retry-After` header (delta-seconds or an HTTP date); null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/** The error of a non-2xx response: the envelope when the body is one, the status line otherwise. */
export async function errorFromResponse(response: Response): Promise<VoxqError> {
  // A body cut off mid-read still leaves the status line to report: the error is built from that.
  const text = await response.text().catch(() => '');
  let envelope: { type?: unknown; code?: unknown; message?: unknown; param?: unknown } | undefined;
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (parsed && typeof parsed.error === 'object' && parsed.error !== null) envelope = parsed.error as typeof envelope;
  } catch {
    // Not JSON (a proxy's HTML page): the status line has to do.
  }
  const str = (value: unknown) => (typeof value === 'string' ? value : null);
  return new VoxqError({
    status: response.status,
    type: str(envelope?.type) ?? (response.status >= 500 ? 'api_error' : 'invalid_request_error'),
    code: str(envelope?.code) ?? `http_${response.status}`,
    param: str(envelope?.param),
    message: str(envelope?.message) ?? `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${text ? `: ${text.slice(0, 200)}` : ''}`,
    requestId: response.headers.get('x-request-id'),
    retryAfter: parseRetryAfter(response.headers.get('retry-after')),
  });
}
