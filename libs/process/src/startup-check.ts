import type { Config } from '@voxq/config';
import type { Logger } from '@voxq/logging';

/**
 * One thing a process needs before it serves or takes jobs. It throws an Error whose
 * message is one line an operator can act on (what is wrong, which variable, the fix); it
 * never names a secret. It logs a warning and returns when it cannot tell.
 */
export type StartupCheck = (config: Config, logger: Logger) => Promise<void>;

/** A check's refusal: its message is printed as is, and the process exits 1. */
export class StartupCheckError extends Error {
  override readonly name = 'StartupCheckError';
}
