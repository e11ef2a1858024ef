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
