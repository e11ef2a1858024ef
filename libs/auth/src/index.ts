export { ApiKeyStore, TENANT_ID_PATTERN } from './api-keys';
export type { ApiKeyRecord, CreatedApiKey, Principal } from './api-keys';
