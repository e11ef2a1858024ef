import { randomFillSync } from 'node:crypto';

// Random bytes are drawn 4 KiB at a time: one system call per 512 ids, not one per id.
const pool = Buffer.alloc(4096);
let offset = pool.length;

function random8(): string {
  if (offset + 8 > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  offset += 8;
  return pool.toString('hex', offset - 8, offset);
}

/**
 * Job ids sort by creation time (12 hex digits of epoch ms, then 64 random bits), so the
 * per-tenant indexes can page newest-first by id alone, with an exact cursor.
 */
export function newJobId(now = Date.now()): string {
  return `job_${now.toString(16).padStart(12, '0')}${random8()}`;
}

export const JOB_ID_PATTERN = /^job_[0-9a-f]{28}$/;
