import { createParser } from 'eventsource-parser';

/** An answer of the API that is not 2xx, with its error envelope's code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** One server-sent event: its `event:` name and its `data:` parsed as JSON. */
export interface StreamEvent {
  type: string;
  data: unknown;
}

async function errorOf(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  try {
    const { error } = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (error?.message) return new ApiError(response.status, error.code ?? 'error', error.message);
  } catch {
    // Not the JSON envelope: a proxy's page, say.
  }
  return new ApiError(response.status, 'http_error', `The API answered ${response.status} ${response.statusText}.`);
}

/**
 * The console's only way to the server: the public REST API, with the tenant's key as a
 * Bearer token (never in a URL, which would reach logs).
 */
export class Api {
  constructor(
    private readonly key: string,
    /** Called on 401: the key was revoked or mistyped. */
    private readonly onUnauthorized: () => void = () => undefined,
  ) {}

  private async send(method: string, path: string, init: { body?: BodyInit; contentType?: string; signal?: AbortSignal } = {}): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.key}` };
    if (init.contentType) headers['content-type'] = init.contentType;
    const response = await fetch(path, {
      method,
      headers,
      ...(init.body === undefined ? {} : { body: init.body }),
      ...(init.signal ? { signal: init.signal } : {}),
    });
    if (response.status === 401) this.onUnauthorized();
    if (!response.ok) throw await errorOf(response);
    return response;
  }

  async json<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const response = await this.send(method, path, {
      ...(body === undefined ? {} : { body: JSON.stringify(body), contentType: 'application/json' }),
      ...(signal ? { signal } : {}),
    });
    return (await response.json()) as T;
  }

  get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.json<T>('GET', path, undefined, signal);
  }

  /** A raw body (audio to transcribe, a multipart form); `contentType` absent lets the browser set it (FormData). */
  async upload<T>(path: string, body: Blob | FormData, contentType?: string): Promise<T> {
    const response = await this.send('POST', path, { body, ...(contentType ? { contentType } : {}) });
    return (await response.json()) as T;
  }

  /** A download (a job's audio, a batch's output file) as a Blob. */
  async blob(path: string, signal?: AbortSignal): Promise<Blob> {
    return (await this.send('GET', path, signal ? { signal } : {})).blob();
  }

  /**
   * Reads an SSE stream (`GET /v1/jobs/:id/events`) with fetch, since EventSource cannot send
   * an Authorization header. Resolves when the server ends the stream or `signal` aborts.
   */
  async stream(path: string, onEvent: (event: StreamEvent) => void, signal: AbortSignal): Promise<void> {
    const response = await this.send('GET', path, { signal });
    if (!response.body) return;
    const parser = createParser({
      onEvent: (message) => {
        let data: unknown = message.data;
        try {
          data = JSON.parse(message.data);
        } catch {
          // A comment or a plain-text event: passed as it is.
        }
        onEvent({ type: message.event ?? 'message', data });
      },
    });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        parser.feed(value);
      }
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    } finally {
      reader.releaseLock();
    }
  }
}
