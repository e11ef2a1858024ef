export type { ObjectRef, ObjectStore, PresignedPut, PutOptions, ReadOptions, StoredObject } from './object-store';
export { withPatience, type Patience } from './patient-object-store';
export { checkBucket } from './bucket-check';
export { createObjectStore, S3ObjectStore } from './s3-object-store';
export type { S3Settings } from './s3-object-store';
export { isNotFound, toStorageError } from './s3-errors';
export { assertSafeKey, TENANT_PREFIX, tenantKey, tenantOfKey, tenantPrefix } from './tenant-key';
