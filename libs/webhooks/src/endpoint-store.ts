import type { RedisClient } from '@voxq/redis-keys';
import { WEBHOOK_EVENT_TYPES, type CreateWebhookEndpoint, type UpdateWebhookEndpoint, type WebhookEndpointView, type WebhookEventType } from '@voxq/contracts';
import { errors } from '@voxq/errors';
import { defineScripts, redisKeys, type RedisKeys } from '@voxq/redis-keys';
import { ENDPOINT_ID_PATTERN, newEndpointId } from './ids';
import createLua from './scripts/endpoint-create.lua';
import deleteLua from './scripts/endpoint-delete.lua';
import rotateLua from './scripts/endpoint-rotate.lua';
import updateLua from './scripts/endpoint-update.lua';
import { generateWebhookSecret } from './signing';

/** Most endpoints a tenant may register; each event fans out to all of them. */
export const MAX_ENDPOINTS_PER_TENANT = 20;
/** How long the fan-out trusts its in-process copy of a tenant's endpoints. */
export const ENDPOINT_CACHE_TTL_MS = 1_000;
const CACHE_MAX_TENANTS = 10_000;

/** An endpoint as stored: the view's fields plus its secrets. */
export interface WebhookEndpoint {
  id: string;
  tenantId: string;
  url: string;
  name: string;
  events: WebhookEventType[];
  description: string | null;
  /** Extra headers sent with each delivery (lowercased names, never a signature header). */
  headers: Record<string, string>;
  /** One request's budget; null: `WEBHOOK_TIMEOUT_MS`. */
  timeoutMs: number | null;
  /** The tenant's own signing secret (`signingSecretSource: 'custom'`); null: voxq's `secret` signs. */
  customSecret: string | null;
  enabled: boolean;
  disabledReason: string | null;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

interface EndpointScripts {
  voxqEndpointCreate(key: string, index: string, limit: string, id: string, ...pairs: string[]): Promise<number>;
  voxqEndpointUpdate(key: string, tenantId: string, ...pairs: string[]): Promise<string[]>;
  voxqEndpointDelete(key: string, index: string, tenantId: string, id: string): Promise<number>;
  voxqEndpointRotate(key: string, tenantId: string, secret: string, expiresAt: string, now: string): Promise<string[]>;
}

/** What `create` takes: the API's parsed body; fields added after the first release may be absent. */
export type NewWebhookEndpoint = Pick<CreateWebhookEndpoint, 'url' | 'events' | 'description' | 'enabled'> &
  Partial<Pick<CreateWebhookEndpoint, 'name' | 'headers' | 'timeoutMs' | 'signingSecretSource' | 'signingSecret'>>;

/** An endpoint's default name: its URL's host, so clients that never name endpoints keep working. */
const defaultName = (url: string) => new URL(url).host;

function parse(hash: Record<string, string>): WebhookEndpoint | null {
  if (!hash.id || !hash.tenantId || !hash.url || !hash.secret) return null;
  return {
    id: hash.id,
    tenantId: hash.tenantId,
    url: hash.url,
    // Endpoints stored before names existed are named by their host, as new unnamed ones are.
    name: hash.name || defaultName(hash.url),
    headers: hash.headers ? (JSON.parse(hash.headers) as Record<string, string>) : {},
    timeoutMs: hash.timeoutMs ? Number(hash.timeoutMs) : null,
    customSecret: hash.customSecret || null,
    events: (hash.events ?? '').split(',').filter((e): e is WebhookEventType => (WEBHOOK_EVENT_TYPES as readonly string[]).includes(e)),
    description: hash.description ? (JSON.parse(hash.description) as string | null) : null,
    enabled: hash.enabled === '1',
    disabledReason: hash.disabledReason || null,
    secret: hash.secret,
    previousSecret: hash.previousSecret || null,
    previousSecretExpiresAt: hash.previousSecretExpiresAt || null,
    createdAt: hash.createdAt ?? '',
    updatedAt: hash.updatedAt ?? '',
  };
}

/** The API's view of an endpoint; `withSecret` only for the answers to create and rotate. */
export function toEndpointView(endpoint: WebhookEndpoint, { withSecret = false, now = Date.now() } = {}): WebhookEndpointView {
  const graceLeft = endpoint.previousSecretExpiresAt !== null && Date.parse(endpoint.previousSecretExpiresAt) > now;
  return {
    id: endpoint.id,
    object: 'webhook_endpoint',
    url: endpoint.url,
    events: endpoint.events,
    description: endpoint.description,
    name: endpoint.name,
    headers: endpoint.headers,
    timeoutMs: endpoint.timeoutMs,
    signingSecretSource: endpoint.customSecret ? 'custom' : 'workspace',
    hasCustomSigningSecret: endpoint.customSecret !== null,
    enabled: endpoint.enabled,
    disabledReason: endpoint.disabledReason,
    previousSecretExpiresAt: graceLeft ? endpoint.previousSecretExpiresAt : null,
    ...(withSecret ? { secret: endpoint.secret } : {}),
    createdAt: endpoint.createdAt,
    updatedAt: endpoint.updatedAt,
  };
}

/**
 * The secrets that sign a delivery to `endpoint` now: the tenant's custom one when it set
 * one, else the endpoint's own, and the previous one while its grace lasts.
 */
export function signingSecrets(endpoint: WebhookEndpoint, now = Date.now()): string[] {
  if (endpoint.customSecret) return [endpoint.customSecret];
  const grace = endpoint.previousSecret !== null && endpoint.previousSecretExpiresAt !== null && Date.parse(endpoint.previousSecretExpiresAt) > now;
  return grace ? [endpoint.secret, endpoint.previousSecret as string] : [endpoint.secret];
}

/**
 * A tenant's registered webhook endpoints (`<prefix>:webhook-endpoint:<id>`, a hash, and
 * `<prefix>:tenant:<tenant>:webhook-endpoints`, their ids). Every read and change is scoped
 * to a tenant; another tenant's endpoint does not exist.
 */
export class WebhookEndpointStore {
  private readonly redis: RedisClient & EndpointScripts;
  private readonly keys: RedisKeys['webhookEndpoints'];
  private readonly cache = new Map<string, { endpoints: WebhookEndpoint[]; until: number }>();

  constructor(
    redis: RedisClient,
    prefix: string,
    private readonly cacheTtlMs = ENDPOINT_CACHE_TTL_MS,
  ) {
    this.redis = defineScripts<EndpointScripts>(redis, {
      voxqEndpointCreate: { keys: 2, lua: createLua },
      voxqEndpointUpdate: { keys: 1, lua: updateLua },
      voxqEndpointDelete: { keys: 2, lua: deleteLua },
      voxqEndpointRotate: { keys: 1, lua: rotateLua },
    });
    this.keys = redisKeys(prefix).webhookEndpoints;
  }

  private recordKey = (id: string) => this.keys.record(id);
  private indexKey = (tenantId: string) => this.keys.tenantIndex(tenantId);

  async create(tenantId: string, input: NewWebhookEndpoint, now = new Date()): Promise<WebhookEndpoint> {
    const at = now.toISOString();
    const endpoint: WebhookEndpoint = {
      id: newEndpointId(now.getTime()),
      tenantId,
      url: input.url,
      name: input.name ?? defaultName(input.url),
      events: input.events,
      description: input.description,
      headers: input.headers ?? {},
      timeoutMs: input.timeoutMs ?? null,
      customSecret: input.signingSecretSource === 'custom' ? (input.signingSecret ?? null) : null,
      enabled: input.enabled,
      disabledReason: null,
      secret: generateWebhookSecret(),
      previousSecret: null,
      previousSecretExpiresAt: null,
      createdAt: at,
      updatedAt: at,
    };
    const fields = {
      id: endpoint.id,
      tenantId,
      url: endpoint.url,
      name: endpoint.name,
      events: endpoint.events.join(','),
      description: JSON.stringify(endpoint.description),
      headers: JSON.stringify(endpoint.headers),
      timeoutMs: endpoint.timeoutMs === null ? '' : String(endpoint.timeoutMs),
      customSecret: endpoint.customSecret ?? '',
      enabled: endpoint.enabled ? '1' : '0',
      secret: endpoint.secret,
      createdAt: at,
      updatedAt: at,
    };
    const stored = await this.redis.voxqEndpointCreate(
      this.recordKey(endpoint.id),
      this.indexKey(tenantId),
      String(MAX_ENDPOINTS_PER_TENANT),
      endpoint.id,
      ...Object.entries(fields).flat(),
    );
    if (!stored) {
      throw errors.conflict('too_many_webhook_endpoints', `A tenant may register at most ${MAX_ENDPOINTS_PER_TENANT} webhook endpoints; delete one first.`);
    }
    this.cache.delete(tenantId);
    return endpoint;
  }

  /** The tenant's endpoint, or null when it does not exist or is another tenant's. */
  async get(tenantId: string, id: string): Promise<WebhookEndpoint | null> {
    const endpoint = await this.read(id);
    return endpoint && endpoint.tenantId === tenantId ? endpoint : null;
  }

  /** Any tenant's endpoint: for the dispatcher, never for request paths. */
  async read(id: string): Promise<WebhookEndpoint | null> {
    if (!ENDPOINT_ID_PATTERN.test(id)) return null;
    return parse(await this.redis.hgetall(this.recordKey(id)));
  }

  /** Newest first. */
  async list(tenantId: string): Promise<WebhookEndpoint[]> {
    const ids = await this.redis.zrange(this.indexKey(tenantId), '+', '-', 'BYLEX', 'REV');
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.recordKey(id));
    const rows = ((await pipeline.exec()) ?? []).map(([, hash]) => parse(hash as Record<string, string>));
    return rows.filter((e): e is WebhookEndpoint => e !== null && e.tenantId === tenantId);
  }

  /** Applies a PATCH; re-enabling clears why voxq disabled it. Null when it is not the tenant's. */
  async update(tenantId: string, id: string, patch: UpdateWebhookEndpoint, now = new Date()): Promise<WebhookEndpoint | null> {
    const pairs: string[] = [];
    if (patch.url !== undefined) pairs.push('url', patch.url);
    if (patch.name !== undefined) pairs.push('name', patch.name);
    if (patch.headers !== undefined) pairs.push('headers', JSON.stringify(patch.headers));
    if (patch.timeoutMs !== undefined) pairs.push('timeoutMs', patch.timeoutMs === null ? '' : String(patch.timeoutMs));
    // `workspace` drops the custom secret: the endpoint's own signs again.
    if (patch.signingSecretSource !== undefined) pairs.push('customSecret', patch.signingSecretSource === 'custom' ? (patch.signingSecret ?? '') : '');
    if (patch.events !== undefined) pairs.push('events', patch.events.join(','));
    if (patch.description !== undefined) pairs.push('description', JSON.stringify(patch.description));
    if (patch.enabled !== undefined) pairs.push('enabled', patch.enabled ? '1' : '0', 'disabledReason', '');
    return this.apply(tenantId, id, [...pairs, 'updatedAt', now.toISOString()]);
  }

  /**
   * A new secret; the current one becomes the previous one and keeps signing (beside the
   * new one) for `graceMs`. A rotation during a grace period drops the older secret.
   */
  async rotateSecret(tenantId: string, id: string, graceMs: number, now = new Date()): Promise<WebhookEndpoint | null> {
    if (!ENDPOINT_ID_PATTERN.test(id)) return null;
    const expiresAt = new Date(now.getTime() + graceMs).toISOString();
    const flat = await this.redis.voxqEndpointRotate(this.recordKey(id), tenantId, generateWebhookSecret(), expiresAt, now.toISOString());
    this.cache.delete(tenantId);
    return parse(pairsToObject(flat));
  }

  /** Turns an endpoint off on the receiver's behalf (it answered `410 Gone`). */
  async disable(endpoint: WebhookEndpoint, reason: string, now = new Date()): Promise<void> {
    await this.apply(endpoint.tenantId, endpoint.id, ['enabled', '0', 'disabledReason', reason, 'updatedAt', now.toISOString()]);
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    if (!ENDPOINT_ID_PATTERN.test(id)) return false;
    const deleted = (await this.redis.voxqEndpointDelete(this.recordKey(id), this.indexKey(tenantId), tenantId, id)) === 1;
    this.cache.delete(tenantId);
    return deleted;
  }

  /**
   * The tenant's enabled endpoints, from an in-process copy at most `cacheTtlMs` old: the
   * fan-out runs for every finished job, and a tenant's endpoints rarely change. A delivery
   * still checks its endpoint when it is sent, so a deleted or disabled one gets nothing.
   */
  async active(tenantId: string): Promise<WebhookEndpoint[]> {
    const cached = this.cache.get(tenantId);
    if (cached && cached.until > Date.now()) return cached.endpoints;
    const endpoints = (await this.list(tenantId)).filter((e) => e.enabled);
    if (this.cache.size >= CACHE_MAX_TENANTS) this.cache.clear();
    this.cache.set(tenantId, { endpoints, until: Date.now() + this.cacheTtlMs });
    return endpoints;
  }

  private async apply(tenantId: string, id: string, pairs: string[]): Promise<WebhookEndpoint | null> {
    if (!ENDPOINT_ID_PATTERN.test(id)) return null;
    const flat = await this.redis.voxqEndpointUpdate(this.recordKey(id), tenantId, ...pairs);
    this.cache.delete(tenantId);
    return parse(pairsToObject(flat));
  }
}

function pairsToObject(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) out[pairs[i]!] = pairs[i + 1]!;
  return out;
}

/**
 * True when the tenant has an enabled webhook endpoint (answered from the store's copy, at
 * most `ENDPOINT_CACHE_TTL_MS` old). A worker finishing a job without a `webhook.url` builds
 * its event only when this holds.
 */
export async function tenantHasEndpoints(endpoints: Pick<WebhookEndpointStore, 'active'>, tenantId: string): Promise<boolean> {
  return (await endpoints.active(tenantId)).length > 0;
}
