// A process's composition root: the connections, queues, object store and provider runtime
// it opens once and hands to its runtimes.
export { connectionName, openProcessResources } from './process-resources';
export type { ProcessResources, ProcessRole, ResourcesOf, ServingResources } from './process-resources';
