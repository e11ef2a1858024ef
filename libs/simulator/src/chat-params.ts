/**
 * How the simulated models honour the chat parameters, so a test can tell from the answer
 * that a parameter reached the upstream: JSON modes, stop sequences, token limits and
 * logprobs, all deterministic.
 */

type Schema = Record<string, unknown>;

const FORMATS: Record<string, string> = {
  'date-time': '2025-01-01T00:00:00.000Z',
  date: '2025-01-01',
  time: '00:00:00',
  email: 'simulated@example.com',
  uri: 'https://example.com/simulated',
  url: 'https://example.com/simulated',
  uuid: '00000000-0000-4000-8000-000000000000',
};

function resolveRef(ref: string, root: Schema): Schema {
  // `#/$defs/Name` or `#/definitions/Name`, as zod's and pydantic's JSON Schemas write them.
  let node: unknown = root;
  for (const part of ref.replace(/^#\/?/, '').split('/').filter(Boolean)) node = (node as Schema | undefined)?.[decodeURIComponent(part)];
  return (node as Schema | undefined) ?? {};
}

/** A value that validates against a JSON Schema: every property present, the first of each choice. */
export function sampleJson(schema: Schema | undefined, root: Schema = schema ?? {}, depth = 0): unknown {
  if (!schema || depth > 32) return null;
  if (typeof schema['$ref'] === 'string') return sampleJson(resolveRef(schema['$ref'], root), root, depth + 1);
  if ('const' in schema) return schema['const'];
  if (Array.isArray(schema['enum']) && schema['enum'].length > 0) return schema['enum'][0];
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) {
      const pick = (options as Schema[]).find((o) => o['type'] !== 'null') ?? (options[0] as Schema);
      return sampleJson(pick, root, depth + 1);
    }
  }
  const declared = schema['type'];
  const type = Array.isArray(declared) ? (declared.find((t) => t !== 'null') ?? 'null') : declared;
  const properties = schema['properties'] as Record<string, Schema> | undefined;
  if (type === 'object' || (type === undefined && properties)) {
    return Object.fromEntries(Object.entries(properties ?? {}).map(([name, sub]) => [name, sampleJson(sub, root, depth + 1)]));
  }
  if (type === 'array') {
    const count = Math.max(1, Number(schema['minItems'] ?? 1));
    return Array.from({ length: count }, () => sampleJson(schema['items'] as Schema | undefined, root, depth + 1));
  }
  if (type === 'integer' || type === 'number') {
    const min = typeof schema['minimum'] === 'number' ? schema['minimum'] : typeof schema['exclusiveMinimum'] === 'number' ? schema['exclusiveMinimum'] + 1 : 1;
    const max = typeof schema['maximum'] === 'number' ? schema['maximum'] : Infinity;
    return Math.min(type === 'integer' ? Math.ceil(min) : min, max);
  }
  if (type === 'boolean') return true;
  if (type === 'null') return null;
  const format = typeof schema['format'] === 'string' ? FORMATS[schema['format']] : undefined;
  if (format) return format;
  const minLength = Number(schema['minLength'] ?? 0);
  return 'simulated'.padEnd(minLength, '.');
}

/** The text cut before the first stop sequence, when one occurs. */
export function cutAtStop(text: string, stop: readonly string[]): string {
  const at = Math.min(...stop.map((s) => text.indexOf(s)).filter((i) => i >= 0));
  return Number.isFinite(at) ? text.slice(0, at) : text;
}

/** The simulator's tokens: words with their trailing space, as the stream sends them. */
export const tokensOf = (text: string): string[] => text.split(/(?<= )/).filter(Boolean);

/** At most `limit` tokens, and whether it had to cut (`finish_reason: length`). */
export function cutAtTokens(text: string, limit: number | undefined): { text: string; cut: boolean } {
  const tokens = tokensOf(text);
  if (limit === undefined || tokens.length <= limit) return { text, cut: false };
  return { text: tokens.slice(0, limit).join(''), cut: true };
}

/** A stable pseudo-logprob in (-1, 0) for a token. */
function logprobOf(token: string, salt = 0): number {
  let hash = 2166136261 ^ salt;
  for (const char of token) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  return -(((hash >>> 0) % 997) + 1) / 1000;
}

const bytesOf = (token: string) => [...Buffer.from(token, 'utf8')];

/** OpenAI's `logprobs.content` for a text: one entry per token, with `top` alternatives each. */
export function logprobsOf(text: string, top: number) {
  return tokensOf(text).map((token) => {
    const logprob = logprobOf(token);
    const alternatives = Array.from({ length: Math.max(0, top - 1) }, (_, i) => {
      const alt = `${token.trim()}_${i + 1}`;
      return { token: alt, logprob: logprob - 1 - i + logprobOf(alt, i), bytes: bytesOf(alt) };
    });
    return { token, logprob, bytes: bytesOf(token), top_logprobs: top > 0 ? [{ token, logprob, bytes: bytesOf(token) }, ...alternatives] : [] };
  });
}
