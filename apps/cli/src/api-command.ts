import { parseArgs, type ParseArgsConfig } from 'node:util';
import { VoxqClient, VoxqError } from '@voxq/sdk';

export class UsageError extends Error {}

/** Where the API is and which key to use (flags win): `VOXQ_URL` / `VOXQ_API_KEY`, else what `voxq config set` saved. */
export interface ApiEnv {
  url: string | undefined;
  apiKey: string | undefined;
}

export const DEFAULT_URL = 'http://127.0.0.1:8080';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every API command takes. */
const COMMON: Options = {
  url: { type: 'string' },
  'api-key': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
};

export interface ParsedCommand {
  positionals: string[];
  values: Record<string, string | boolean | string[] | undefined>;
  client: () => VoxqClient;
}

/** Parses a command's arguments (unknown flags are usage errors) and makes its client lazily. */
export function parseCommand(argv: string[], options: Options, env: ApiEnv): ParsedCommand {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { ...COMMON, ...options } });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const values = parsed.values as ParsedCommand['values'];
  return {
    positionals: parsed.positionals,
    values,
    client: () => {
      const apiKey = (values['api-key'] as string | undefined) ?? env.apiKey;
      if (!apiKey) throw new UsageError('No API key: set VOXQ_API_KEY, pass --api-key, or save one with `voxq config set api-key -`.');
      return new VoxqClient({ baseUrl: (values['url'] as string | undefined) ?? env.url ?? DEFAULT_URL, apiKey });
    },
  };
}

/** One line for a person: status, code, message and the request id to quote. */
export function describeError(error: unknown): string {
  if (error instanceof VoxqError) {
    const where = error.param ? ` (${error.param})` : '';
    const request = error.requestId ? ` [request ${error.requestId}]` : '';
    return `Error${error.status === null ? '' : ` ${error.status}`} ${error.code}${where}: ${error.message}${request}`;
  }
  return `Error: ${(error as Error).message}`;
}

/** A whole number flag of at least `min`. */
export function intFlag(name: string, value: unknown, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d+$/.test(value) || Number(value) < min)
    throw new UsageError(`--${name} must be a whole number of at least ${min} (got '${String(value)}').`);
  return Number(value);
}

export const printJson = (value: unknown, pretty = true) => console.log(pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value));
