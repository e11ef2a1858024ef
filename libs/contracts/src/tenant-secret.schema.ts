import { z } from 'zod';

/** A secret's name: what a tool's `secretRef` says. */
export const SECRET_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,128}$/;

export const secretNameSchema = z.string().regex(SECRET_NAME_PATTERN, 'must be 1-128 letters, digits, _, . or -');

/**
 * A secret's value. It may become an HTTP header value (a tool's `authHeaders`), so line
 * breaks and other control characters are refused here rather than failing every call later.
 */
export const secretValueSchema = z
  .string()
  .min(1)
  .max(4096)
  .regex(/^[^\u0000-\u0008\u000a-\u001f\u007f]*$/, 'must not contain line breaks or control characters');

/** `POST /v1/secrets`. */
export const createSecretSchema = z.strictObject({ name: secretNameSchema, value: secretValueSchema });
export type CreateSecret = z.infer<typeof createSecretSchema>;

/** `PUT /v1/secrets/:name`: a new value (the secret's next version). */
export const rotateSecretSchema = z.strictObject({ value: secretValueSchema });
export type RotateSecret = z.infer<typeof rotateSecretSchema>;

/** A secret as the API shows it: never its value. */
export const secretViewSchema = z.strictObject({
  object: z.literal('secret'),
  name: z.string(),
  /** 1 at creation, one more per `PUT`. */
  version: z.number().int().min(1),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SecretView = z.infer<typeof secretViewSchema>;

export const secretListSchema = z.strictObject({ object: z.literal('list'), data: z.array(secretViewSchema) });
