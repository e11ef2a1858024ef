import { randomBytes } from 'node:crypto';

/**
 * Job ids sort by creation time (12 hex digits of epoch ms, then 64 random bits), so the
 * per-tenant indexes can page newest-first by id alone, with an exact cursor.
 */
export function newJobId(now = Date.now()): string {
  return `job_${now.toString(16).padStart(12, '0')}${randomBytes(8).toString('hex')}`;
}

export const JOB_ID_PATTERN = /^job_[0-9a-f]{28}$/;
