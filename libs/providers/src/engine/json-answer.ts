import { errors } from '@voxq/errors';
import type { z } from 'zod';
import { answerText, type AnswerSpec } from './answer';

/**
 * Parses and validates a 2xx body. A body that is not what the vendor documents means the
 * upstream (or a proxy before it) is broken, so it is `provider_unavailable`: the router
 * fails over rather than handing a half-read answer to the job.
 */
export function parseJsonBody<S extends z.ZodType>(provider: string, body: string, schema: S): z.infer<S> {
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

/** An error body in the vendor's envelope, or undefined (not JSON, other shape: a proxy's page). */
export function tryParseJson<S extends z.ZodType>(body: string, schema: S): z.infer<S> | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A JSON answer, validated with the vendor's zod schema: vendor types stay in its folder. */
export function jsonAnswer<S extends z.ZodType>(schema: S): AnswerSpec<z.infer<S>> {
  return {
    accept: 'application/json',
    read: (body) => body.text(),
    parse: (provider, answer) => parseJsonBody(provider, answerText(answer), schema),
  };
}
