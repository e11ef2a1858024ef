/**
 * The fields of the KEDA scalers voxq's ScaledObjects use, as KEDA's documentation lists them
 * (keda.sh/docs/2.17/scalers/redis-lists and …/redis-cluster-lists): a trigger's metadata key
 * or a TriggerAuthentication parameter outside these is a typo or an invented field, which
 * KEDA would ignore or refuse only once the object is applied.
 */
export interface KedaScaler {
  /** Keys of a trigger's `metadata`. */
  metadata: ReadonlySet<string>;
  /** `parameter`s a TriggerAuthentication may give the scaler. */
  auth: ReadonlySet<string>;
}

const TLS_AUTH = ['tls', 'ca', 'cert', 'key', 'keyPassword'];
const LIST_METADATA = ['usernameFromEnv', 'passwordFromEnv', 'listName', 'listLength', 'activationListLength', 'databaseIndex', 'enableTLS', 'unsafeSsl'];

export const KEDA_SCALERS: Readonly<Record<string, KedaScaler>> = {
  /** `redis` (lists): one Redis. */
  redis: {
    metadata: new Set(['address', 'addressFromEnv', 'host', 'hostFromEnv', 'port', 'portFromEnv', ...LIST_METADATA]),
    auth: new Set(['address', 'host', 'port', 'username', 'password', ...TLS_AUTH]),
  },
  /** `redis-cluster` (lists): a Redis Cluster, reached through any of its nodes. */
  'redis-cluster': {
    metadata: new Set(['addresses', 'addressesFromEnv', 'hosts', 'hostsFromEnv', 'ports', 'portsFromEnv', ...LIST_METADATA]),
    auth: new Set(['addresses', 'hosts', 'ports', 'username', 'password', ...TLS_AUTH]),
  },
};
