import { randomBytes } from 'node:crypto';
import type { RedisClient } from '@voxq/redis-keys';
import { redisKeys, type RedisKeys } from '@voxq/redis-keys';
import { DROP_RULE_ID_PATTERN, dropRuleSchema, type DropRule } from './drop-rule.schema';

export const newDropRuleId = () => `dr_${randomBytes(12).toString('hex')}`;

/**
 * Drop rules in Redis: one hash of every rule by id (what pollers walk) and a set of ids per
 * tenant (what the API lists). A rule read with another tenant's id is simply not found.
 */
export class DropRuleStore {
  private readonly keys: RedisKeys['drops'];

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = redisKeys(prefix).drops;
  }

  private readonly allKey = () => this.keys.rules();
  private readonly tenantKey = (tenantId: string) => this.keys.tenantRules(tenantId);

  async create(rule: DropRule): Promise<void> {
    await this.redis.multi().hset(this.allKey(), rule.id, JSON.stringify(rule)).sadd(this.tenantKey(rule.tenantId), rule.id).exec();
  }

  async get(tenantId: string, id: string): Promise<DropRule | null> {
    if (!DROP_RULE_ID_PATTERN.test(id)) return null;
    const rule = parse(await this.redis.hget(this.allKey(), id));
    return rule?.tenantId === tenantId ? rule : null;
  }

  async list(tenantId: string): Promise<DropRule[]> {
    const ids = (await this.redis.smembers(this.tenantKey(tenantId))).sort();
    if (ids.length === 0) return [];
    const rules = (await this.redis.hmget(this.allKey(), ...ids)).map(parse);
    return rules.filter((r): r is DropRule => r !== null && r.tenantId === tenantId);
  }

  /** Every tenant's rules (the poller's work list). */
  async all(): Promise<DropRule[]> {
    return Object.values(await this.redis.hgetall(this.allKey()))
      .map(parse)
      .filter((r): r is DropRule => r !== null)
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** True when the tenant had the rule. */
  async delete(tenantId: string, id: string): Promise<boolean> {
    const rule = await this.get(tenantId, id);
    if (!rule) return false;
    await this.redis.multi().hdel(this.allKey(), id).srem(this.tenantKey(tenantId), id).exec();
    return true;
  }
}

// Redis is a boundary: a record that no longer parses is skipped, not trusted.
function parse(json: string | null): DropRule | null {
  if (json === null) return null;
  try {
    const parsed = dropRuleSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
