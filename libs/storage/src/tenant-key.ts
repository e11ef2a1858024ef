import { errors } from '@voxq/errors';

/** Everything a tenant owns sits under this prefix; keys outside it belong to no tenant. */
export const TENANT_PREFIX = 'tenants';

const TENANT_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;
// Printable ASCII minus the characters S3 and proxies treat specially; no spaces.
const SEGMENT = /^[\w.=@+-]{1,255}$/;
const MAX_KEY_BYTES = 1024;

/**
 * Refuses keys that could reach outside the place their caller meant: a leading `/`, empty,
 * `.` or `..` segments, control characters, backslashes, or more than S3's 1024 bytes. Every
 * ObjectStore method checks its key with it, so no caller can forget.
 */
export function assertSafeKey(key: string, param = 'key'): string {
  const problem = keyProblem(key);
  if (problem) throw errors.invalidRequest(`Object key ${JSON.stringify(key.slice(0, 80))} ${problem}.`, param, 'invalid_object_key');
  return key;
}

function keyProblem(key: string): string | null {
  if (key.length === 0) return 'is empty';
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) return `is longer than ${MAX_KEY_BYTES} bytes`;
  if (key.startsWith('/')) return 'starts with /';
  if (/[\x00-\x1f\x7f\\]/.test(key)) return 'contains a control character or a backslash';
  // A trailing `/` (a prefix) is fine; `a//b`, `./` and `../` are not.
  const segments = key.split('/');
  if (segments.some((s, i) => s === '..' || s === '.' || (s === '' && i < segments.length - 1))) return 'contains an empty, . or .. segment';
  return null;
}

/**
 * The key of a tenant's object: `tenants/<tenantId>/<parts joined by />`. Each part is one
 * or more `/`-separated segments of letters, digits and `._-=@+`, never `.` or `..`; so a
 * part taken from a request (an upload's filename, an id) can never climb out of the tenant.
 */
export function tenantKey(tenantId: string, ...parts: string[]): string {
  if (!TENANT_ID.test(tenantId)) throw errors.invalidRequest(`Invalid tenant id ${JSON.stringify(tenantId.slice(0, 80))}.`, 'tenantId', 'invalid_object_key');
  if (parts.length === 0) throw errors.invalidRequest('A tenant key needs at least one part after the tenant.', 'key', 'invalid_object_key');
  for (const part of parts) {
    for (const segment of part.split('/')) {
      if (!SEGMENT.test(segment) || segment === '.' || segment === '..') {
        throw errors.invalidRequest(`Invalid object key part ${JSON.stringify(part.slice(0, 80))}.`, 'key', 'invalid_object_key');
      }
    }
  }
  return assertSafeKey([TENANT_PREFIX, tenantId, ...parts].join('/'));
}

/** `tenants/<tenantId>/`: the prefix to list or check a tenant's objects with. */
export function tenantPrefix(tenantId: string): string {
  if (!TENANT_ID.test(tenantId)) throw errors.invalidRequest(`Invalid tenant id ${JSON.stringify(tenantId.slice(0, 80))}.`, 'tenantId', 'invalid_object_key');
  return `${TENANT_PREFIX}/${tenantId}/`;
}

/** The tenant owning `key`, or null when it lies outside `tenants/<tenantId>/`. */
export function tenantOfKey(key: string): string | null {
  const [root, tenantId, ...rest] = key.split('/');
  return root === TENANT_PREFIX && tenantId && TENANT_ID.test(tenantId) && rest.length > 0 && rest[0] !== '' ? tenantId : null;
}
