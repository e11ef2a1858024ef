import { createHash, randomBytes } from 'node:crypto';

const hex12 = (ms: number) => Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');

/**
 * Ids of endpoints and deliveries sort by time (12 hex digits of epoch ms first), so the
 * indexes page newest-first by id alone with an exact cursor, like job ids.
 */
export const newEndpointId = (now = Date.now()) => `we_${hex12(now)}${randomBytes(8).toString('hex')}`;

/**
 * A delivery's id is derived from its event and target, so recording the same delivery
 * twice (a worker re-run, a retried enqueue) finds the first record instead of a second.
 */
export function deliveryIdOf(eventTimeMs: number, eventId: string, endpointId: string | null, url: string): string {
  const hash = createHash('sha256')
    .update(`${eventId}\n${endpointId ?? ''}\n${url}`)
    .digest('hex')
    .slice(0, 16);
  return `wd_${hex12(eventTimeMs)}${hash}`;
}

export const ENDPOINT_ID_PATTERN = /^we_[0-9a-f]{28}$/;
export const DELIVERY_ID_PATTERN = /^wd_[0-9a-f]{28}$/;

/** The smallest id of a given kind created at `ms`: index entries below it are older. */
export const idFloor = (kind: 'we' | 'wd', ms: number) => `${kind}_${hex12(ms)}`;
