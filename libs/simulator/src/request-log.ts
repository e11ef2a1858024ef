import type { IncomingHttpHeaders } from 'node:http';

export interface RecordedRequest {
  /** The vendor whose wire format served it (`openai`, `anthropic`, …). */
  provider: string;
  method: string;
  path: string;
  /** Lower-cased names; `authorization` redacted to `Bearer ***`. */
  headers: Record<string, string>;
  /** Parsed JSON when the body was JSON, else the raw text (binary bodies: their size). */
  body: unknown;
  /** The query string's parameters; one sent more than once (Deepgram's `keywords`) as all its values, in order. */
  query: Record<string, string | string[]>;
  /** A multipart body's fields (Whisper's `prompt`, `model`), files as `<n bytes of type>`; absent for other bodies. */
  form?: Record<string, string | string[]>;
  /** When it arrived (`Date.now()`), so a test can measure the gap between calls where voxq made it. */
  at: number;
}

/** The last `capacity` requests, in a ring so recording stays O(1) under benchmark load. */
export class RequestLog {
  private readonly ring: Array<RecordedRequest | undefined>;
  private next = 0;
  private count = 0;

  constructor(readonly capacity = 1000) {
    this.ring = new Array<RecordedRequest | undefined>(capacity);
  }

  record(request: RecordedRequest): void {
    this.ring[this.next] = request;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  /** Oldest first. */
  list(): RecordedRequest[] {
    const start = (this.next - this.count + this.capacity) % this.capacity;
    const out: RecordedRequest[] = [];
    for (let i = 0; i < this.count; i++) {
      const entry = this.ring[(start + i) % this.capacity];
      if (entry) out.push(entry);
    }
    return out;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.next = 0;
    this.count = 0;
  }
}

export function redactHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  if (out.authorization !== undefined) out.authorization = out.authorization.replace(/^(\w+\s+).*/s, '$1***').replace(/^[^*\s]+$/, '***');
  // Vendors that take keys in their own headers (Anthropic, ElevenLabs, Cartesia).
  for (const name of ['x-api-key', 'xi-api-key']) if (out[name] !== undefined) out[name] = '***';
  return out;
}

/** A query string's parameters, keeping every value of a repeated one. */
export function queryParams(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    out[name] = values.length === 1 ? values[0]! : values;
  }
  return out;
}

/** A multipart body's fields as a test reads them; undefined when the body is not multipart (or not readable as one). */
export async function formFields(raw: Buffer, contentType: string | undefined): Promise<Record<string, string | string[]> | undefined> {
  if (!/^multipart\/form-data/i.test(contentType ?? '')) return undefined;
  let form: FormData;
  try {
    form = await new Response(raw, { headers: { 'content-type': contentType! } }).formData();
  } catch {
    return undefined;
  }
  const out: Record<string, string | string[]> = {};
  for (const name of new Set(form.keys())) {
    const values = form.getAll(name).map((v) => (typeof v === 'string' ? v : `<${v.size} bytes of ${v.type || 'unknown type'}>`));
    out[name] = values.length === 1 ? values[0]! : values;
  }
  return out;
}
