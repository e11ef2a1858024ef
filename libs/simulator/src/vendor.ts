import type { IncomingHttpHeaders } from 'node:http';

/** A provider request as a vendor's handler sees it. */
export interface SimRequest {
  method: string;
  /** The path below the vendor's mount point, e.g. `/v1/messages`. */
  path: string;
  /** Named groups of the route's pattern (`voiceId` in `/v1/text-to-speech/(?<voiceId>[^/]+)`). */
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json(): unknown;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string or Buffer as is (set `content-type`). */
  body: unknown;
  /**
   * A streamed answer instead of `body`: server-sent event frames, written one at a time at
   * the vendor's pace (`tokenMs`), as a model emits tokens.
   */
  stream?: readonly string[];
}

export interface VendorRoute {
  method: 'GET' | 'POST';
  /** Matched against the whole path below the mount point. */
  path: RegExp;
  handle(req: SimRequest): SimResponse | Promise<SimResponse>;
  /** Served without a key, as a vendor's signed links are (OpenAI's image URLs). */
  public?: true;
}

/**
 * One upstream vendor's wire format: where it is mounted, how it authenticates, how it
 * words errors, and its routes. The server applies latency and faults per vendor, so each
 * provider can be made slow or broken on its own.
 */
export interface SimVendor {
  /** The provider name, and the mount point: `/<name>/...`. */
  name: string;
  /**
   * What a client puts after the mount point as its base URL, as the vendor's own base URL
   * reads (`/v1` for OpenAI's `https://api.openai.com/v1`, `` for Anthropic's).
   */
  basePath: string;
  routes: VendorRoute[];
  /** The path of its realtime WebSocket below the mount point (OpenAI's `/v1/realtime`); absent: it has none. */
  realtime?: RegExp;
  /** An error response for the caller's key problems; null when the key is accepted. */
  authenticate(req: SimRequest): SimResponse | null;
  /** The vendor's error envelope for a status (faults and bad requests). */
  error(status: number, message: string, retryAfterSeconds?: number): SimResponse;
}

/** The key every vendor treats as revoked, to exercise upstream auth failures. */
export const INVALID_KEY = 'sk-sim-invalid';

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): SimResponse => ({ status, body, headers });

export function headerValue(req: SimRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export const retryAfterHeader = (seconds?: number): Record<string, string> => (seconds === undefined ? {} : { 'retry-after': String(seconds) });
