export type { ObjectRef, ObjectStore, PresignedPut, PutOptions, StoredObject } from './object-store';
