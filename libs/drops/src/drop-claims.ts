import { createHash } from 'node:crypto';
import type { RedisClient } from '@voxq/redis-keys';
import { defineScripts, redisKeys, type RedisKeys } from '@voxq/redis-keys';
import takeOverLua from './scripts/drop-take-over.lua';

/** A claim without a job this old is taken to be from a process that died mid-submit. */
export const STALE_CLAIM_MS = 60_000;

export type ClaimResult = { kind: 'claimed' } | { kind: 'taken'; settled: boolean };

interface ClaimScripts {
  voxqDropTakeOver(claim: string, stale: string, mine: string): Promise<number>;
}

/** Quotes differ between S3 listings (`"abc"`) and event notifications (`abc`). */
const normaliseEtag = (etag: string | undefined) => etag?.replace(/^W\//, '').replaceAll('"', '') ?? '';

/**
 * The identity of one version of one object: bucket, key and ETag (the version id when no
 * ETag is known). Listings carry no version id, events do: the ETag is what both agree on.
 */
export function objectIdentity(bucket: string, key: string, etag: string | undefined, versionId?: string): string {
  const version = normaliseEtag(etag) || versionId || '';
  return createHash('sha256').update(`${bucket}\0${key}\0${version}`).digest('hex');
}

/**
 * "Seen" claims, one per object version: `pending:<ms>` while its job is being submitted,
 * `job:<id>` or `error:<reason>` once it was. A claim is taken with SET NX, so a repeated
 * notification, a second poller or a restarted one finds it and skips the object.
 */
export class DropClaims {
  private readonly redis: RedisClient & ClaimScripts;
  private readonly seen: RedisKeys['drops']['seen'];

  constructor(
    redis: RedisClient,
    prefix: string,
    private readonly retentionSeconds: number,
  ) {
    this.redis = defineScripts<ClaimScripts>(redis, { voxqDropTakeOver: { keys: 1, lua: takeOverLua } });
    this.seen = redisKeys(prefix).drops.seen;
  }

  private readonly keyOf = (identity: string) => this.seen(identity);

  async claim(identity: string, now = Date.now()): Promise<ClaimResult> {
    const key = this.keyOf(identity);
    const mine = `pending:${now}`;
    if ((await this.redis.set(key, mine, 'EX', this.retentionSeconds, 'NX')) === 'OK') return { kind: 'claimed' };
    const current = await this.redis.get(key);
    const pendingSince = current?.startsWith('pending:') ? Number(current.slice('pending:'.length)) : null;
    if (current === null) return this.claim(identity, now);
    if (pendingSince !== null && now - pendingSince > STALE_CLAIM_MS) {
      // Its submitter died between claim and submit; the submit is idempotent, so retry it.
      const taken = await this.redis.voxqDropTakeOver(key, current, mine);
      if (taken === 1) return { kind: 'claimed' };
    }
    return { kind: 'taken', settled: pendingSince === null };
  }

  async settle(identity: string, outcome: { jobId: string } | { error: string }): Promise<void> {
    const value = 'jobId' in outcome ? `job:${outcome.jobId}` : `error:${outcome.error.slice(0, 200)}`;
    await this.redis.set(this.keyOf(identity), value, 'EX', this.retentionSeconds);
  }
}
