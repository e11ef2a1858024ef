import { z } from 'zod';

/**
 * The kinds of variable vendors declare, so each fragment reads as a table of names,
 * defaults and descriptions.
 */

/** A secret: unset means the vendor is not registered. */
export const apiKeyVar = (description: string) => z.string().min(1).optional().describe(description);

/** An http(s) base URL, trailing slashes dropped. */
export const baseUrlVar = (defaultUrl: string, description: string) =>
  z
    .url({ protocol: /^https?$/ })
    .default(defaultUrl)
    .transform((url) => url.replace(/\/+$/, ''))
    .describe(description);

/** A non-empty name (model, voice, API version, binary). */
export const textVar = (defaultValue: string, description: string) => z.string().min(1).default(defaultValue).describe(description);

/** `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`). */
export const flagVar = (defaultValue: boolean, description: string) => z.stringbool().default(defaultValue).describe(description);
