import type { z } from 'zod';

/**
 * A group of environment variables declared outside libs/config: each provider vendor's
 * (`OPENAI_API_KEY`, `OPENAI_BASE_URL`, …), in its own folder. `loadConfig` validates the
 * fragments it is given together with its own variables, so every problem is still
 * reported at once; `readEnvFragment` hands a fragment's values to its owner.
 */
export type EnvFragment = z.ZodObject;

/** What a loaded config keeps for its fragments, out of sight of anything that logs it. */
export interface FragmentState {
  /** A copy of the variables the config was loaded from (empty strings dropped). */
  source: Readonly<Record<string, string>>;
  /** Each fragment's values, keyed by the fragment it was parsed with. */
  parsed: Map<EnvFragment, unknown>;
}
