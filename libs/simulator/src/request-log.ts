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
  /** The query string's parameters. */
  query: Record<string, string>;
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
