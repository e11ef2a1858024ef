/**
 * Every error code voxq raises: the closed list, so a code that is not here is a compile
 * error, and clients and dashboards can rely on the set. Codes are stored (job records,
 * `job.failed` webhooks, batch error files): never rename one.
 *
 * Per code:
 * - `status`: the HTTP status when it reaches a client through the API.
 * - `retryable`: the same request may succeed if tried again later. A few codes decide per
 *   instance (`all_providers_failed` is retryable when one of its failures was); the flag
 *   here is the default an `AppError` gets when its raiser does not say.
 * - `failover`: another provider may succeed now (the upstream itself is the problem).
 */
export interface ErrorCodeSpec {
  status: number;
  retryable: boolean;
  failover: boolean;
}

const input = { status: 400, retryable: false, failover: false } as const;
const unauthenticated = { status: 401, retryable: false, failover: false } as const;
const notFound = { status: 404, retryable: false, failover: false } as const;
const conflict = { status: 409, retryable: false, failover: false } as const;

export const ERROR_CODES = {
  // 400: the input is at fault; nothing helps but a different request.
  invalid_request: input,
  invalid_url: input,
  invalid_json: input,
  incomplete_body: input,
  body_incomplete: input,
  /** The body does not decompress as its `Content-Encoding` says (garbage, or a stream cut short). */
  invalid_content_encoding: input,
  /** Node's HTTP parser refused the request itself (request line, headers, chunked framing); the connection is closed. */
  malformed_request: input,
  invalid_object_key: input,
  input_forbidden: input,
  input_expired: input,
  audio_url_unreachable: input,
  /** A translation was asked for and no configured provider translates. */
  no_translation_provider: input,
  webhook_url_refused: input,
  /** The host does not resolve now; the dispatcher retries a delivery on this code (it may later). */
  webhook_url_unresolved: input,
  no_provider_available: input,
  provider_rejected_input: input,
  max_tool_hops_exceeded: input,
  /** A parameter no provider that may serve the request honours (OpenAI's code for it). */
  unsupported_parameter: input,
  /** A job's tool names a tenant secret (`secretRef`) the tenant has not defined; nothing was queued. */
  secret_not_found: input,
  // 401 / 402
  invalid_api_key: unauthenticated,
  invalid_admin_token: unauthenticated,
  invalid_metrics_token: unauthenticated,
  allowance_exhausted: { status: 402, retryable: false, failover: false },
  // 404: `notFound(subject, id)` builds `<subject>_not_found`.
  route_not_found: notFound,
  job_not_found: notFound,
  upload_not_found: notFound,
  file_not_found: notFound,
  batch_not_found: notFound,
  result_not_found: notFound,
  scores_run_not_found: notFound,
  /** Sic: the drops routes name the subject `drop rule`, and clients have seen this code. */
  'drop rule_not_found': notFound,
  webhook_endpoint_not_found: notFound,
  webhook_delivery_not_found: notFound,
  object_not_found: notFound,
  bucket_not_found: notFound,
  /** A `model` that is neither a configured model nor an alias (OpenAI's code for it). */
  model_not_found: notFound,
  /** `GET|PUT|DELETE /v1/secrets/:name` for a name the tenant has not defined. */
  tenant_secret_not_found: notFound,
  /** `GET /v1/realtime/sessions/:id` for a session the tenant does not have (or that expired). */
  realtime_session_not_found: notFound,
  // 409: the resource is not in a state that allows the request.
  job_cancelled: conflict,
  job_pending: conflict,
  job_not_completed: conflict,
  job_not_cancellable: conflict,
  batch_not_cancellable: conflict,
  upload_not_completed: conflict,
  upload_not_received: conflict,
  idempotency_key_reused: conflict,
  too_many_webhook_endpoints: conflict,
  /** `POST /v1/secrets` with a name the tenant already has (`PUT` rotates it). */
  secret_exists: conflict,
  too_many_secrets: conflict,
  delivery_in_progress: conflict,
  event_expired: conflict,
  endpoint_deleted: conflict,
  endpoint_disabled: conflict,
  /** The client sent its request too slowly (Node's `requestTimeout`/`headersTimeout`); the connection is closed. */
  request_timeout: { status: 408, retryable: true, failover: false },
  // 413 / 415 / 429
  payload_too_large: { status: 413, retryable: false, failover: false },
  unsupported_media_type: { status: 415, retryable: false, failover: false },
  /** The request's headers are over Node's limit (`--max-http-header-size`); the connection is closed. */
  headers_too_large: { status: 431, retryable: false, failover: false },
  rate_limit_exceeded: { status: 429, retryable: true, failover: false },
  /** `GET /v1/realtime` without a WebSocket handshake (a plain GET): the route only upgrades. */
  upgrade_required: { status: 426, retryable: false, failover: false },
  /** The tenant holds `REALTIME_MAX_SESSIONS_PER_TENANT` realtime sessions already; one must close first. */
  too_many_sessions: { status: 429, retryable: true, failover: false },
  // 5xx: ours or the upstream's.
  internal_error: { status: 500, retryable: true, failover: false },
  storage_misconfigured: { status: 500, retryable: false, failover: false },
  storage_error: { status: 500, retryable: false, failover: false },
  /** The worker cannot convert speech to the format asked for (ffmpeg is missing); a retry on the same machine cannot help. */
  transcoder_unavailable: { status: 500, retryable: false, failover: false },
  /** ffmpeg refused the provider's audio. */
  transcode_failed: { status: 500, retryable: false, failover: false },
  storage_unavailable: { status: 503, retryable: true, failover: false },
  service_unavailable: { status: 503, retryable: true, failover: false },
  provider_unavailable: { status: 502, retryable: true, failover: true },
  provider_misconfigured: { status: 502, retryable: false, failover: true },
  all_providers_failed: { status: 502, retryable: true, failover: false },
  providers_busy: { status: 503, retryable: true, failover: false },
  /** A caller waited as long as the route waits; the job goes on (its id is in the message). */
  job_wait_timeout: { status: 504, retryable: true, failover: false },
  /** A streamed reply's provider failed after pieces were sent; the job goes on without it. */
  stream_interrupted: { status: 502, retryable: true, failover: false },
} as const satisfies Record<string, ErrorCodeSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Every code, for schemas (`z.enum(ERROR_CODE_NAMES)`) and docs. */
export const ERROR_CODE_NAMES = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CODES, value);
}

type SubjectOf<C> = C extends `${infer S}_not_found` ? S : never;
/** What `errors.notFound` may say is missing: the subjects of the `*_not_found` codes. */
export type NotFoundSubject = SubjectOf<ErrorCode>;
