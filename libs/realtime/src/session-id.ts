import { randomBytes } from 'node:crypto';

/** Session ids sort by start time (12 hex digits of epoch ms), then 64 random bits, as job ids do. */
export function newSessionId(now = Date.now()): string {
  return `rts_${now.toString(16).padStart(12, '0')}${randomBytes(8).toString('hex')}`;
}

export const SESSION_ID_PATTERN = /^rts_[0-9a-f]{28}$/;
