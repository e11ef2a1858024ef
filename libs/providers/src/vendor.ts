import { readEnvFragment, type Config, type EnvFragment } from '@voxq/config';
import type { z } from 'zod';
import type { Provider, ProviderProfile } from './provider';
import type { Semaphore } from './shared/semaphore';

/** One adapter and the catalog entry the router ranks it by. */
export interface VendorEntry {
  provider: Provider;
  profile: ProviderProfile;
  /** The base URL it calls, for a vendor with one: tells the registry when it is the simulator. */
  upstream?: string;
}

/** What the registry gives every vendor besides its own variables. */
export interface VendorContext {
  config: Config;
  /** Both local engines compete for the same cores, so they share one process limit. */
  localEngines: Semaphore;
}

/** What a vendor folder's `vendor.ts` declares: everything the rest of voxq needs of it. */
export interface VendorSpec<F extends EnvFragment> {
  /** For the start-up log (`openai`, `espeak-ng`); providers carry their own names. */
  name: string;
  /**
   * Its environment variables: names, defaults and descriptions (`.describe()`), prefixed
   * with the vendor (`OPENAI_`). Validated with the rest at start-up; `.env.example`
   * documents each.
   */
  env: F;
  /**
   * Its adapters from its variables, or why it has none (`OPENAI_API_KEY unset`): a
   * provider without credentials is not registered, so it never costs a failed call.
   */
  providers(env: z.output<F>, context: VendorContext): VendorEntry[] | string;
}

/** A vendor as the registry holds it: its variables and how they become providers. */
export interface Vendor {
  name: string;
  env: EnvFragment;
  providers(context: VendorContext): VendorEntry[] | string;
}

/** Types a vendor's spec against its own variables, and hides them from the registry. */
export function defineVendor<F extends EnvFragment>(spec: VendorSpec<F>): Vendor {
  return {
    name: spec.name,
    env: spec.env,
    providers: (context) => spec.providers(readEnvFragment(context.config, spec.env), context),
  };
}
