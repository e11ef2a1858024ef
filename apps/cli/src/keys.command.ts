import { parseArgs } from 'node:util';
import { ApiKeyStore } from '@voxq/auth';
import type { Config } from '@voxq/config';
import { createCommandConnection } from '@voxq/queues';

const USAGE = `Usage:
  voxq keys create --tenant <id> [--name <label>]   create an API key (printed once)
  voxq keys list --tenant <id>                      list a tenant's keys (ids, never the keys)
  voxq keys revoke <keyId>                          revoke a key
Add --json for machine-readable output.`;

/** Manages tenants' API keys directly in Redis (an operator's tool; it needs REDIS_URL). */
export async function keysCommand(config: Config, argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { tenant: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const [action, arg] = positionals;
  const redis = createCommandConnection(config.redis.url);
  const keys = new ApiKeyStore(redis, config.redis.prefix);
  const print = (human: string, data: unknown) => console.log(values.json ? JSON.stringify(data, null, 2) : human);
  try {
    if (action === 'create' && values.tenant) {
      const key = await keys.create(values.tenant, values.name);
      print(
        `Created ${key.keyId} for tenant '${key.tenantId}'.\n` +
          `API key (shown once, store it now):  ${key.apiKey}\n` +
          `Webhook signing secret of the tenant: ${key.webhookSecret}`,
        key,
      );
      return 0;
    }
    if (action === 'list' && values.tenant) {
      const list = await keys.list(values.tenant);
      print(list.map((k) => `${k.keyId}  ${k.name}  created ${k.createdAt}`).join('\n') || '(no keys)', list);
      return 0;
    }
    if (action === 'revoke' && arg) {
      const revoked = await keys.revoke(arg);
      print(revoked ? `Revoked ${arg}.` : `No key ${arg}.`, { keyId: arg, revoked });
      return revoked ? 0 : 1;
    }
    console.error(USAGE);
    return 2;
  } finally {
    redis.disconnect();
  }
}
