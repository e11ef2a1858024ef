import type { BUILTIN_TOOLS } from '@voxq/contracts';

type Builtin = (args: Record<string, unknown>) => unknown;

/** What builtin tools return to the model; a thrown error becomes an error result. */
const BUILTINS: Record<(typeof BUILTIN_TOOLS)[number], Builtin> = {
  /** The current time, optionally in an IANA time zone (`{"timezone": "Europe/Paris"}`). */
  current_time: (args) => {
    const now = new Date();
    const timezone = typeof args.timezone === 'string' ? args.timezone : 'UTC';
    const local = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, dateStyle: 'short', timeStyle: 'long' }).format(now);
    return { iso: now.toISOString(), unixMs: now.getTime(), timezone, local };
  },
};

/** Runs a builtin tool in-process; never throws (the model sees errors as tool results). */
export function runBuiltinTool(name: string, rawArgs: string): { content: string; isError: boolean } {
  const tool = BUILTINS[name as keyof typeof BUILTINS];
  if (!tool) return { content: `Unknown builtin tool '${name}'.`, isError: true };
  try {
    const args = rawArgs.trim() ? (JSON.parse(rawArgs) as Record<string, unknown>) : {};
    return { content: JSON.stringify(tool(args)), isError: false };
  } catch (error) {
    return { content: `Tool error: ${(error as Error).message}`, isError: true };
  }
}
