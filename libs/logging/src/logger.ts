import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Paths pino blanks out wherever they appear in a log line. Secrets must never reach the
 * logs: API keys arrive in `authorization`, webhook secrets and provider keys in config.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers.Authorization',
  'authorization',
  'apiKey',
  'secret',
  'token',
  '*.apiKey',
  '*.secret',
  '*.token',
  '*.authorization',
  '*.authHeaders',
  '*.*.apiKey',
  '*.*.secret',
  'authHeaders',
  '*.*.authHeaders',
  'webhookSecret',
  '*.webhookSecret',
  // A tenant secret's value (`POST|PUT /v1/secrets` bodies), and a tool's source `headers`
  // (sent as given, where clients put credentials too).
  'req.body.value',
  'body.value',
  'source.headers',
  '*.source.headers',
];

/**
 * Secrets inside strings, where path redaction cannot see them (an upstream error quoting the
 * key it was sent, a presigned URL in a message): masked in every line as it is written.
 */
const SECRET_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bvq_[A-Za-z0-9_-]{8,}/g, 'vq_[redacted]'],
  [/\bwhsec_[A-Za-z0-9+/=]{8,}/g, 'whsec_[redacted]'],
  // OpenAI, Anthropic (`sk-`), ElevenLabs and Cartesia (`sk_`), Groq (`gsk_`) keys.
  [/\b((?:sk|gsk|rk|pk)[-_])[A-Za-z0-9_-]{12,}/g, '$1[redacted]'],
  [/\b(Bearer|Basic)(\s+)[A-Za-z0-9._~+/=-]{8,}/g, '$1$2[redacted]'],
  // Deepgram's `Token <40 hex digits>`.
  [/\b(Token\s+)[0-9a-f]{32,}/g, '$1[redacted]'],
  [/(X-Amz-(?:Signature|Credential|Security-Token)=)[^&"\s\\]+/gi, '$1[redacted]'],
];

/** The line with every secret-shaped substring masked. */
export function scrubSecrets(line: string): string {
  let out = line;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

export interface CreateLoggerOptions {
  /** The process role (`api`, `worker`, `dispatcher`), stamped on every line. */
  name: string;
  level?: LoggerOptions['level'];
  /** Where lines go; defaults to stdout. Tests pass a stream to grep what was logged. */
  destination?: NodeJS.WritableStream;
}

export function createLogger({ name, level = 'info', destination }: CreateLoggerOptions): Logger {
  const options: LoggerOptions = {
    name,
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    hooks: { streamWrite: scrubSecrets },
  };
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}
