export { DropClaims, objectIdentity, STALE_CLAIM_MS } from './drop-claims';
export { DROP_METADATA_KEY, DropIntake } from './drop-intake';
export type { DropIntakeDeps, DropJobRequest, DropOutcome, DroppedObject, SubmitDropJob } from './drop-intake';
export { DropOutput, dropMarkerKey, isDropJob } from './drop-output';
export { DropPoller } from './drop-poller';
export type { DropPollerOptions } from './drop-poller';
export { DropRuleStore, newDropRuleId } from './drop-rule-store';
export { DROP_RULE_ID_PATTERN, dropManifestSchema, dropRuleRequestSchema, dropRuleSchema, s3EventSchema } from './drop-rule.schema';
export type { DropManifest, DropRule, DropRuleRequest, S3Event } from './drop-rule.schema';
