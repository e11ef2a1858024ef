export { keyIdOf, SECRET_KEY_BYTES, SecretDecryptionError, SecretKeyring } from './secret-keyring';
export { checkSecretsKey, secretsKeyringFor, tenantSecretsEnv } from './secrets-env';
export { MAX_SECRETS_PER_TENANT, TenantSecretStore, undefinedSecretsLookup } from './tenant-secret-store';
export type { UndefinedSecretsLookup } from './tenant-secret-store';
