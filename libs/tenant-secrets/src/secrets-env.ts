import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ConfigError, readEnvFragment, type Config } from '@voxq/config';
import type { Logger } from '@voxq/logging';
import { SECRET_KEY_BYTES, SecretKeyring } from './secret-keyring';

const base64Key = z
  .string()
  .trim()
  .refine((text) => /^[A-Za-z0-9+/_-]+=*$/.test(text) && Buffer.from(text, 'base64').length === SECRET_KEY_BYTES, {
    message: `must be ${SECRET_KEY_BYTES} random bytes in base64 (openssl rand -base64 32)`,
  })
  .transform((text) => Buffer.from(text, 'base64'));

/**
 * The tenant secrets' keys (the api seals and lists, the dispatcher opens): declared here,
 * like a provider vendor's variables, so they never sit in the logged-about `Config`.
 */
export const tenantSecretsEnv = z.object({
  /** The key that encrypts tenant secrets (AES-256-GCM): 32 bytes, base64. Required when NODE_ENV=production. */
  SECRETS_ENCRYPTION_KEY: base64Key.optional(),
  /** Earlier keys, comma-separated, still accepted for decryption after a rotation. */
  SECRETS_ENCRYPTION_OLD_KEYS: z
    .string()
    .default('')
    .transform((text) =>
      text
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
    )
    .pipe(z.array(base64Key)),
});

/**
 * Outside production, a key derived from a fixed phrase lets voxq run with no setup (tests,
 * ad-hoc runs; `npm start` writes a random one to `.voxq/secrets.key` instead). Anyone with
 * this source can derive it: never acceptable where secrets matter, hence refused there.
 */
const DEVELOPMENT_KEY = createHash('sha256').update('voxq development secrets key: never use in production').digest();

/**
 * The process's keyring. In production without `SECRETS_ENCRYPTION_KEY` it refuses to start
 * (a `ConfigError`, reported like any other configuration problem).
 */
export function secretsKeyringFor(config: Config): { keyring: SecretKeyring; development: boolean } {
  const env = readEnvFragment(config, tenantSecretsEnv);
  const older = env.SECRETS_ENCRYPTION_OLD_KEYS;
  if (env.SECRETS_ENCRYPTION_KEY) return { keyring: new SecretKeyring(env.SECRETS_ENCRYPTION_KEY, older), development: false };
  if (config.env === 'production') {
    throw new ConfigError(['SECRETS_ENCRYPTION_KEY: required when NODE_ENV=production (32 random bytes, base64: openssl rand -base64 32)']);
  }
  return { keyring: new SecretKeyring(DEVELOPMENT_KEY, older), development: true };
}

/**
 * A start-up check (api, dispatcher): the process refuses to start in production without a
 * key, and says once when it seals with the development key.
 */
export async function checkSecretsKey(config: Config, logger: Pick<Logger, 'warn'>): Promise<void> {
  const { development } = secretsKeyringFor(config);
  if (development) logger.warn('tenant secrets are sealed with the development key: set SECRETS_ENCRYPTION_KEY (openssl rand -base64 32) for real secrets');
}
