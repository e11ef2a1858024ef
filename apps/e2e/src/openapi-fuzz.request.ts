import fc from 'fast-check';
import type { OpenApiOperation, SchemaReader } from './openapi-fuzz.schema';

/** One malformed request, as the generator describes it and the sender sends it. */
export interface FuzzRequest {
  /** `POST /v1/jobs`: the document's method and path template. */
  operation: string;
  group: 'path' | 'query' | 'header' | 'body' | 'encoding' | 'framing';
  /** What was broken, e.g. `drop required input`. */
  mutation: string;
  method: string;
  /** The request target as sent (path and query, percent-encoding as given). */
  target: string;
  /** In order, duplicates kept. */
  headers: [string, string][];
  body?: Buffer;
  /** Send the valid API key as `Authorization: Bearer` (false for the cases about keys). */
  auth: boolean;
  /** Written byte for byte on a socket: bytes or framing an HTTP client will not send. No `Content-Length` is added. */
  raw?: boolean;
}

/** The part of a request a case changes; the rest comes from the operation's valid request. */
export type Tweak = Pick<FuzzRequest, 'group' | 'mutation'> & Partial<Omit<FuzzRequest, 'group' | 'mutation' | 'operation'>>;

/** Everything a case generator knows about one operation. */
export interface OperationContext {
  method: string;
  template: string;
  operation: OpenApiOperation;
  reader: SchemaReader;
  rng: SeededRandom;
  /** The template with each path parameter set to a value that exists (a fixture) or is well-formed. */
  validPath: string;
  /** The body and content type of a request this operation accepts, when it takes one. */
  validBody?: { contentType: string; body: Buffer };
  limits: { json: number; audio: number };
}

/**
 * A seeded source of choices and junk: the same seed gives the same requests in the same
 * order, so a failure reproduces. fast-check draws the values, each from a seed of its own.
 */
export class SeededRandom {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0 || 1;
  }

  /** mulberry32: small, fast, and enough for choosing cases. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(max: number): number {
    return Math.floor(this.next() * max);
  }

  private draw<T>(arbitrary: fc.Arbitrary<T>): T {
    return fc.sample(arbitrary, { seed: this.int(2 ** 31), numRuns: 1 })[0]!;
  }

  bytes(length: number): Buffer {
    return Buffer.from(this.draw(fc.uint8Array({ minLength: length, maxLength: length })));
  }

  /** Any Unicode text, lone surrogates and controls included. */
  text(maxLength: number): string {
    return this.draw(fc.string({ unit: 'binary', minLength: 1, maxLength }));
  }

  /** Any JSON value, nested a few levels. */
  json(): unknown {
    return this.draw(fc.jsonValue({ maxDepth: 3 }));
  }

  /** Up to `count` of `items`, in their order, chosen by the seed. */
  subset<T>(items: T[], count: number): T[] {
    if (items.length <= count) return items;
    const keep = new Set<number>();
    while (keep.size < count) keep.add(this.int(items.length));
    return items.filter((_, i) => keep.has(i));
  }
}

/** One line that names a request well enough to send it again by hand. */
export function describeRequest(r: FuzzRequest): string {
  const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);
  const headers = r.headers.map(([k, v]) => `${k}: ${clip(v, 80)}`).join(' | ');
  const body = r.body === undefined ? '' : ` body=${JSON.stringify(clip(r.body.toString('latin1'), 200))}`;
  return `${r.operation} [${r.group}: ${r.mutation}] ${r.method} ${clip(r.target, 200)}${r.auth ? ' (with key)' : ''}${r.raw ? ' (raw socket)' : ''} ${headers}${body}`;
}
