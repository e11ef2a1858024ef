/**
 * A test client that speaks to voxq exactly as the public Speko TypeScript SDK
 * (`@spekoai/sdk` 0.5.x, repository SpekoAI/typescript-sdk) does on the wire, written from
 * reading its source: the same headers (no `Accept`, its `User-Agent`), the same paths (it
 * appends `/v1/...` to the base URL itself), the same reading of errors (`{error, code}`,
 * 401 and 429 apart) and of server-sent events (blocks split on a blank line, `data` parsed
 * as JSON, `type` taken from the event name), the same 30 s default timeout. What passes
 * against this client passes against the SDK; it is not the SDK's code.
 */

export const SPEKO_SDK_USER_AGENT = '@spekoai/sdk/0.5.4';

/** What the SDK throws: `SpekoAuthError` (401), `SpekoRateLimitError` (429) or `SpekoApiError`. */
export class SpekoWireError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly kind: 'auth' | 'rate_limit' | 'api',
    readonly retryAfter: number | null = null,
  ) {
    super(message);
    this.name = kind === 'auth' ? 'SpekoAuthError' : kind === 'rate_limit' ? 'SpekoRateLimitError' : 'SpekoApiError';
  }
}

export interface WireEvent {
  event: string;
  id?: string;
  data: unknown;
}

/** The SDK's event reading: `message` when unnamed, `data` lines joined and parsed as JSON when they are JSON. */
export function readSseBlocks(buffer: string): { events: WireEvent[]; rest: string } {
  const events: WireEvent[] = [];
  let from = 0;
  for (let end = buffer.indexOf('\n\n', from); end !== -1; end = buffer.indexOf('\n\n', from)) {
    const block = buffer.slice(from, end);
    from = end + 2;
    if (block.trim() === '') continue;
    let event = 'message';
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('id:')) id = line.slice(3).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    let value: unknown = data.join('\n');
    try {
      value = JSON.parse(value as string);
    } catch {
      // Not JSON: kept as text, as the SDK does.
    }
    events.push({ event, ...(id ? { id } : {}), data: value });
  }
  return { events, rest: buffer.slice(from) };
}

export interface RoutingOptions {
  language: string;
  region?: string;
  optimizeFor?: 'balanced' | 'accuracy' | 'latency' | 'cost';
  constraints?: { allowedProviders?: { stt?: string[]; llm?: string[]; tts?: string[] } };
}

export type StreamEvent = Record<string, unknown> & { type: string };

export class SpekoWireClient {
  private readonly baseUrl: string;

  constructor(private readonly options: { apiKey: string; baseUrl: string; timeout?: number }) {
    this.baseUrl = options.baseUrl.replace(/\/$/, '');
  }

  private headers(json: boolean): Record<string, string> {
    return { Authorization: `Bearer ${this.options.apiKey}`, ...(json ? { 'Content-Type': 'application/json' } : {}), 'User-Agent': SPEKO_SDK_USER_AGENT };
  }

  /** The SDK's fetch: its timeout (30 s by default) and the caller's signal, whichever aborts first. */
  private async send(
    method: string,
    path: string,
    init: { body?: RequestInit['body']; headers: Record<string, string> },
    signal?: AbortSignal,
  ): Promise<Response> {
    const timeout = this.options.timeout ?? 30_000;
    const signals = [AbortSignal.timeout(timeout), ...(signal ? [signal] : [])];
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers: init.headers, body: init.body ?? null, signal: AbortSignal.any(signals) });
    if (!response.ok) await this.fail(response);
    return response;
  }

  private async fail(response: Response): Promise<never> {
    const text = await response.text();
    let message = text || response.statusText;
    let code = 'UNKNOWN';
    try {
      const json = JSON.parse(text) as { error?: unknown; code?: unknown };
      // As the SDK reads it: an object in `error` becomes "[object Object]".
      message = json.error === undefined ? text : String(json.error);
      code = json.code === undefined ? 'UNKNOWN' : String(json.code);
    } catch {
      // A body that is not JSON is the message itself.
    }
    if (response.status === 401) throw new SpekoWireError(message, 401, 'AUTH_ERROR', 'auth');
    if (response.status === 429) {
      const retryAfter = response.headers.get('retry-after');
      throw new SpekoWireError(message, 429, 'RATE_LIMITED', 'rate_limit', retryAfter ? parseInt(retryAfter, 10) : null);
    }
    throw new SpekoWireError(message, response.status, code, 'api');
  }

  async json<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const response = await this.send(method, path, { headers: this.headers(true), ...(body === undefined ? {} : { body: JSON.stringify(body) }) }, signal);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }

  private async *events(response: Response): AsyncGenerator<StreamEvent> {
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const read = readSseBlocks(buffer + decoder.decode(value, { stream: true }));
        buffer = read.rest;
        for (const e of read.events) yield { ...(e.data as Record<string, unknown>), type: e.event };
      }
      for (const e of readSseBlocks(buffer + decoder.decode() + '\n\n').events) yield { ...(e.data as Record<string, unknown>), type: e.event };
    } finally {
      reader.releaseLock();
    }
  }

  /** The SDK's one-shot reading: the `done` event is the result, an `error` event throws. */
  private async untilDone(events: AsyncIterable<StreamEvent>, what: string): Promise<Record<string, unknown>> {
    let done: Record<string, unknown> | undefined;
    for await (const event of events) {
      if (event.type === 'done') done = event;
      else if (event.type === 'error') throw new SpekoWireError(String(event.error), 200, String(event.code), 'api');
    }
    if (!done) throw new SpekoWireError(`${what} stream ended without a done event`, 200, 'STREAM_ENDED', 'api');
    return done;
  }

  private intent(options: RoutingOptions) {
    return {
      language: options.language,
      ...(options.region ? { region: options.region } : {}),
      ...(options.optimizeFor ? { optimizeFor: options.optimizeFor } : {}),
    };
  }

  async *transcribeStream(
    audio: Uint8Array,
    options: RoutingOptions & { contentType?: string; keywords?: string[] },
    signal?: AbortSignal,
  ): AsyncGenerator<StreamEvent> {
    const headers: Record<string, string> = {
      ...this.headers(false),
      'Content-Type': options.contentType ?? 'audio/wav',
      'X-Speko-Intent': JSON.stringify(this.intent(options)),
      ...(options.constraints ? { 'X-Speko-Constraints': JSON.stringify(options.constraints) } : {}),
      ...(options.keywords?.length ? { 'X-Speko-Stt-Options': JSON.stringify({ keywords: options.keywords }) } : {}),
    };
    yield* this.events(await this.send('POST', '/v1/transcribe', { headers, body: audio }, signal));
  }

  async transcribe(audio: Uint8Array, options: RoutingOptions & { contentType?: string; keywords?: string[] }, signal?: AbortSignal) {
    const done = await this.untilDone(this.transcribeStream(audio, options, signal), 'Transcribe');
    return {
      text: done.text,
      provider: done.provider,
      model: done.model,
      confidence: done.confidence,
      failoverCount: done.failoverCount,
      scoresRunId: done.scoresRunId,
    };
  }

  async synthesizeStream(
    text: string,
    options: RoutingOptions & { voice?: string; model?: string; speed?: number; instructions?: string; spokenForm?: boolean },
    signal?: AbortSignal,
  ) {
    const { language: _l, region: _r, optimizeFor: _o, constraints, ...rest } = options;
    const body = { text, intent: this.intent(options), ...rest, ...(constraints ? { constraints } : {}) };
    const response = await this.send('POST', '/v1/synthesize', { headers: this.headers(true), body: JSON.stringify(body) }, signal);
    const header = (name: string) => response.headers.get(name);
    // As the SDK's `SynthesizeStreamResult`: the routing headers, and the body's chunks to iterate.
    return {
      contentType: header('content-type') ?? 'application/octet-stream',
      provider: header('x-speko-provider') ?? 'unknown',
      model: header('x-speko-model') ?? 'unknown',
      failoverCount: parseInt(header('x-speko-failover-count') ?? '0', 10),
      scoresRunId: header('x-speko-scores-run-id') || null,
      [Symbol.asyncIterator]: () => (response.body as unknown as AsyncIterable<Uint8Array>)[Symbol.asyncIterator](),
    };
  }

  async synthesize(text: string, options: Parameters<SpekoWireClient['synthesizeStream']>[1], signal?: AbortSignal) {
    const streamed = await this.synthesizeStream(text, options, signal);
    const chunks: Uint8Array[] = [];
    for await (const chunk of streamed) chunks.push(chunk);
    const { contentType, provider, model, failoverCount, scoresRunId } = streamed;
    return { audio: new Uint8Array(Buffer.concat(chunks)), contentType, provider, model, failoverCount, scoresRunId };
  }

  async *completeStream(params: Record<string, unknown>, signal?: AbortSignal): AsyncGenerator<StreamEvent> {
    yield* this.events(await this.send('POST', '/v1/complete', { headers: this.headers(true), body: JSON.stringify(params) }, signal));
  }

  async complete(params: Record<string, unknown>, signal?: AbortSignal) {
    const done = await this.untilDone(this.completeStream(params, signal), 'Complete');
    const { text, provider, model, usage, failoverCount, scoresRunId, toolCalls } = done;
    return { text, provider, model, usage, failoverCount, scoresRunId, ...(toolCalls ? { toolCalls } : {}) };
  }

  readonly usage = { get: (query: { from?: string; to?: string } = {}) => this.json<Record<string, unknown>>('GET', `/v1/usage${toQuery(query)}`) };

  readonly webhooks = {
    list: async () => (await this.json<{ data: Array<Record<string, unknown>> }>('GET', '/v1/webhooks')).data,
    create: (input: Record<string, unknown>) => this.json<Record<string, unknown>>('POST', '/v1/webhooks', input),
    get: (id: string) => this.json<Record<string, unknown>>('GET', `/v1/webhooks/${encodeURIComponent(id)}`),
    update: (id: string, patch: Record<string, unknown>) => this.json<Record<string, unknown>>('PATCH', `/v1/webhooks/${encodeURIComponent(id)}`, patch),
    delete: async (id: string) => void (await this.json<unknown>('DELETE', `/v1/webhooks/${encodeURIComponent(id)}`)),
    deliveries: {
      list: (query: Record<string, string | number | undefined> = {}) => this.json<Record<string, unknown>>('GET', `/v1/webhook-deliveries${toQuery(query)}`),
      get: (id: string) => this.json<Record<string, unknown>>('GET', `/v1/webhook-deliveries/${encodeURIComponent(id)}`),
      redeliver: (id: string) =>
        this.json<{ delivered: boolean; httpStatus: number | null; error: string | null }>(
          'POST',
          `/v1/webhook-deliveries/${encodeURIComponent(id)}/redeliver`,
          {},
        ),
    },
  };
}

function toQuery(query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  return params.size > 0 ? `?${params.toString()}` : '';
}
