import type { Request } from 'express';
import { errors } from '@voxq/errors';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The request's `Idempotency-Key`, checked (1-255 printable ASCII), or undefined. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.header('idempotency-key');
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) throw errors.invalidRequest('Idempotency-Key must be 1-255 printable ASCII characters.', 'Idempotency-Key');
  return key;
}

/** A JSON-valued header (`x-speko-intent: {"language":"en-US"}`, `X-Voxq-Intent`). */
export function jsonHeader(req: Request, name: string): unknown {
  const value = req.header(name);
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    throw errors.invalidRequest(`Header ${name} must be JSON.`, name);
  }
}

/**
 * For the routes that stream the body to S3 as sent (`/v1/uploads`, `/v1/files`): a
 * `Content-Encoding` is refused (415) rather than decompressed. Audio codecs are compressed
 * already (gzip gains next to nothing on them), the stored object and its `sha256` stay the
 * client's exact bytes, and the size limits keep counting what lands in the bucket. Before,
 * gzip bytes were stored as if they were audio.
 */
export function refuseContentEncoding(req: Request, route: string): void {
  const encoding = req.header('content-encoding')?.trim().toLowerCase();
  if (!encoding || encoding === 'identity') return;
  throw errors.unsupportedMediaType(`Content-Encoding '${encoding}' is not accepted on ${route}: send the body uncompressed, as is.`);
}
