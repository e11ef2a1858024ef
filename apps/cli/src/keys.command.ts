import { parseArgs } from 'node:util';
import { ApiKeyStore, UsageAllowance, type KeyRateLimit } from '@voxq/auth';
import type { Config } from '@voxq/config';
import { isRedisUnavailable } from '@voxq/errors';
import { redactRedisUrl } from '@voxq/process';
import { createCommandConnection } from '@voxq/queues';

const USAGE = `Usage:
  voxq keys create <tenant> [--name <label>] [--rate-limit <n>] [--burst <n>]
                                                     create an API key (printed once)
  voxq keys list <tenant>                            list a tenant's keys (ids, never the keys)
  voxq keys revoke <keyId>                           revoke a key
  voxq keys set-limit <keyId> --rate-limit <n|default> [--burst <n>]
                                                     change a key's rate limit (requests/s, 0 = unlimited;
                                                     burst = extra requests per 10 s; default = the env's)
  voxq keys allowance <tenant> [--monthly-jobs <n|unlimited|default>]
                                                     show (or set) a tenant's jobs per UTC month
--tenant <id> may stand in for <tenant>. Add --json for machine-readable output.`;

class UsageError extends Error {}

/** A whole number of 0 or more, or one of the words `words` maps to a value. */
function count<T>(option: string, value: string, words: Record<string, T> = {}): number | T {
  if (value in words) return words[value]!;
  if (!/^\d+$/.test(value))
    throw new UsageError(`--${option} must be a whole number${Object.keys(words).length ? ` or ${Object.keys(words).join(' / ')}` : ''} (got '${value}').`);
  return Number(value);
}

const describeLimit = (limit: KeyRateLimit | undefined) =>
  !limit
    ? 'default rate limit'
    : limit.perSecond === 0
      ? 'unlimited'
      : `${limit.perSecond}/s${limit.burst === undefined ? '' : ` + burst ${limit.burst}/10 s`}`;

/** Manages tenants' API keys (and their limits) directly in Redis (an operator's tool; it needs REDIS_URL). */
export async function keysCommand(config: Config, argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      tenant: { type: 'string' },
      name: { type: 'string' },
      'rate-limit': { type: 'string' },
      burst: { type: 'string' },
      'monthly-jobs': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const [action, arg] = positionals;
  const tenant = values.tenant ?? arg;
  const redis = createCommandConnection(config.redis);
  // Without a listener ioredis prints every failed reconnect as a raw stack; the first says why.
  let unreachable: Error | undefined;
  redis.on('error', (error: Error) => (unreachable ??= error));
  const keys = new ApiKeyStore(redis, config.redis.prefix);
  const print = (human: string, data: unknown) => console.log(values.json ? JSON.stringify(data, null, 2) : human);
  const burst = values.burst === undefined ? undefined : (count('burst', values.burst) as number);
  try {
    if (action === 'create' && tenant) {
      const perSecond = values['rate-limit'] === undefined ? undefined : (count('rate-limit', values['rate-limit']) as number);
      if (burst !== undefined && perSecond === undefined) throw new UsageError('--burst needs --rate-limit.');
      const rateLimit = perSecond === undefined ? undefined : { perSecond, ...(burst === undefined ? {} : { burst }) };
      const key = await keys.create(tenant, values.name, rateLimit ? { rateLimit } : {});
      print(
        `Created ${key.keyId} for tenant '${key.tenantId}' (${describeLimit(key.rateLimit)}).\n` +
          `API key (shown once, store it now):  ${key.apiKey}\n` +
          `Webhook signing secret of the tenant: ${key.webhookSecret}`,
        key,
      );
      return 0;
    }
    if (action === 'list' && tenant) {
      const list = await keys.list(tenant);
      print(list.map((k) => `${k.keyId}  ${k.name}  created ${k.createdAt}  ${describeLimit(k.rateLimit)}`).join('\n') || '(no keys)', list);
      return 0;
    }
    if (action === 'revoke' && arg) {
      const revoked = await keys.revoke(arg);
      print(revoked ? `Revoked ${arg}.` : `No key ${arg}.`, { keyId: arg, revoked });
      return revoked ? 0 : 1;
    }
    if (action === 'set-limit' && arg && values['rate-limit'] !== undefined) {
      const perSecond = count('rate-limit', values['rate-limit'], { default: null });
      if (perSecond === null && burst !== undefined) throw new UsageError('--burst cannot go with --rate-limit default.');
      const limit = perSecond === null ? null : { perSecond, ...(burst === undefined ? {} : { burst }) };
      const changed = await keys.setRateLimit(arg, limit);
      print(changed ? `${arg}: ${describeLimit(limit ?? undefined)} (running APIs apply it within 5 s).` : `No key ${arg}.`, {
        keyId: arg,
        changed,
        rateLimit: limit,
      });
      return changed ? 0 : 1;
    }
    if (action === 'allowance' && tenant) {
      const allowance = new UsageAllowance(redis, config.redis.prefix, config.limits.monthlyJobAllowance);
      if (values['monthly-jobs'] !== undefined) {
        const jobs = count('monthly-jobs', values['monthly-jobs'], { default: null, unlimited: 0 });
        if (!(await allowance.setAllowance(tenant, jobs))) {
          print(`No tenant '${tenant}' (create a key for it first).`, { tenantId: tenant, changed: false });
          return 1;
        }
      }
      const usage = await allowance.usage(tenant);
      print(
        `Tenant '${tenant}', ${usage.period}: ${usage.jobs} jobs of ${usage.allowance ?? 'unlimited'}` +
          `${usage.remaining === null ? '' : ` (${usage.remaining} left)`}; resets ${usage.resetsAt}.`,
        { tenantId: tenant, ...usage },
      );
      return 0;
    }
    console.error(USAGE);
    return 2;
  } catch (error) {
    if (unreachable && isRedisUnavailable(error)) {
      console.error(
        `Redis is not reachable at REDIS_URL=${redactRedisUrl(config.redis.url)} (${unreachable.message}): ` +
          'start it (npm start starts one), or set REDIS_URL in the environment or in .env, which this command reads as npm start does.',
      );
      return 1;
    }
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    return 2;
  } finally {
    redis.disconnect();
  }
}
