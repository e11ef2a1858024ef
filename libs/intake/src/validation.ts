import type { z } from 'zod';
import { errors } from '@voxq/errors';

/** Formats zod issues as one client-facing error naming the field(s) at fault. */
export function toValidationError(error: z.ZodError, root = '') {
  const issues = error.issues.slice(0, 3).map((issue) => {
    const path = [root, ...issue.path.map(String)].filter(Boolean);
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => [...path, k].join('.'));
      return { param: keys[0]!, message: `unknown field${keys.length > 1 ? 's' : ''} ${keys.map((k) => `'${k}'`).join(', ')}` };
    }
    const param = path.join('.');
    return { param, message: param ? `${param}: ${issue.message}` : issue.message };
  });
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  return errors.invalidRequest(`Invalid request: ${issues.map((i) => i.message).join('; ')}${more}.`, issues[0]?.param);
}

/** Parses `value` with `schema` or throws a 400 that names the field at fault. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, root = ''): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw toValidationError(parsed.error, root);
  return parsed.data;
}
