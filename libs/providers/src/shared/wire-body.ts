import { errors } from '@voxq/errors';
import type { z } from 'zod';

/**
 * Parses a 2xx body as JSON and validates it: anything else is the upstream misbehaving
 * (a proxy's HTML page, a truncated answer), so it fails over like an outage.
 */
export function parseWireBody<T extends z.ZodType>(provider: string, body: string, schema: T): z.infer<T> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw errors.providerUnavailable(provider, 'malformed response: body is not JSON', error);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'unexpected shape';
    throw errors.providerUnavailable(provider, `malformed response (${where})`, parsed.error);
  }
  return parsed.data;
}
