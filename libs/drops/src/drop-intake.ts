import { jobRequestSchema, type JobOptions, type JobRequest } from '@voxq/contracts';
import { isAppError, toAppError } from '@voxq/errors';
import type { Logger } from '@voxq/logging';
import type { ObjectStore } from '@voxq/storage';
import { objectIdentity, type DropClaims } from './drop-claims';
import { dropManifestSchema, type DropManifest, type DropRule } from './drop-rule.schema';
import { dropMarkerKey } from './drop-output';

/** What a drop submits: a synthesize request, or a transcribe naming the object by `s3://` URL. */
export type DropJobRequest = Extract<JobRequest, { type: 'synthesize' }> | (JobOptions & { type: 'transcribe'; input: { audio: { url: string } } });

/** Submits a tenant's job (the API's `JobService.submit`, so validation and queueing stay in one place). */
export type SubmitDropJob = (tenantId: string, request: DropJobRequest, idempotencyKey: string) => Promise<{ id: string }>;

/** An object as a listing or an event notification names it. */
export interface DroppedObject {
  bucket: string;
  key: string;
  etag?: string;
  versionId?: string;
  size?: number;
}

/** `duplicate`: the version already has its job (or error); `in_progress`: another submit holds its claim. */
export type DropOutcome = 'submitted' | 'duplicate' | 'in_progress' | 'ignored' | 'failed';

export interface DropIntakeDeps {
  objects: ObjectStore;
  claims: DropClaims;
  submit: SubmitDropJob;
  logger: Logger;
}

/** Metadata key marking a job as a drop's: `<ruleId>:<key>`. */
export const DROP_METADATA_KEY = 'voxqDrop';
const MANIFEST_MAX_BYTES = 64 * 1024;
/** synthesize takes at most 20,000 characters; 4 bytes each at worst in UTF-8. */
const TEXT_MAX_BYTES = 80_000;

/** A drop that cannot become a job; its reason is written beside the outputs. */
class DropRejected extends Error {}

/**
 * Turns one dropped object into exactly one job: claims the object version, reads its
 * manifest, builds the request and submits it with an Idempotency-Key derived from the
 * version, so a crash between claim and submit is safe to retry. Used by both the S3 event
 * endpoint and the poller.
 */
export class DropIntake {
  constructor(private readonly deps: DropIntakeDeps) {}

  /** Whether a key under a rule is a drop (not a sidecar manifest or a folder marker). */
  static isDrop(rule: DropRule, bucket: string, key: string): boolean {
    return bucket === rule.bucket && key.startsWith(rule.prefix) && key.length > rule.prefix.length && !key.endsWith('/') && !key.endsWith('.json');
  }

  async consider(rule: DropRule, object: DroppedObject): Promise<DropOutcome> {
    if (!DropIntake.isDrop(rule, object.bucket, object.key)) return 'ignored';
    const identity = objectIdentity(object.bucket, object.key, object.etag, object.versionId);
    const claim = await this.deps.claims.claim(identity);
    if (claim.kind === 'taken') return claim.settled ? 'duplicate' : 'in_progress';
    const log = this.deps.logger.child({ ruleId: rule.id, tenantId: rule.tenantId, key: object.key });
    try {
      const request = await this.buildRequest(rule, object);
      const job = await this.deps.submit(rule.tenantId, request, `drop-${identity}`);
      await this.deps.claims.settle(identity, { jobId: job.id });
      return 'submitted';
    } catch (thrown) {
      const refused = thrown instanceof DropRejected || (isAppError(thrown) && !thrown.retryable);
      // A transient failure leaves the claim pending: it is retried once it goes stale.
      if (!refused) throw thrown;
      const reason = thrown instanceof DropRejected ? thrown.message : toAppError(thrown).message;
      log.info({ reason }, 'drop refused');
      await this.deps.objects.putBuffer(
        dropMarkerKey(rule, object.key, 'error'),
        Buffer.from(
          JSON.stringify(
            { object: 'drop_error', source: { bucket: object.bucket, key: object.key }, ruleId: rule.id, reason, failedAt: new Date().toISOString() },
            null,
            2,
          ),
        ),
        { contentType: 'application/json' },
      );
      await this.deps.claims.settle(identity, { error: reason });
      return 'failed';
    }
  }

  private async buildRequest(rule: DropRule, object: DroppedObject): Promise<DropJobRequest> {
    const head = await this.deps.objects.head({ bucket: object.bucket, key: object.key });
    if (!head) throw new DropRejected('The object was deleted before it could be read.');
    const fromMetadata = this.overridesFromMetadata(head.metadata ?? {});
    const manifest = await this.readManifest(object);
    const overrides = { ...fromMetadata, ...manifest };
    const marker = `${rule.id}:${object.key}`;
    const options = {
      ...(rule.intent || overrides.intent ? { intent: { ...rule.intent, ...overrides.intent } } : {}),
      ...(rule.constraints || overrides.constraints ? { constraints: { ...rule.constraints, ...overrides.constraints } } : {}),
      ...((overrides.webhook ?? rule.webhook) ? { webhook: overrides.webhook ?? rule.webhook } : {}),
      metadata: { ...rule.metadata, ...overrides.metadata, [DROP_METADATA_KEY]: marker },
    };
    let input: unknown;
    if (rule.type === 'transcribe') {
      input = { audio: { url: `s3://${object.bucket}/${object.key}` } };
    } else {
      const { data } = await this.deps.objects.getBuffer({ bucket: object.bucket, key: object.key }, TEXT_MAX_BYTES).catch((error: unknown) => {
        if (isAppError(error) && error.status === 413) throw new DropRejected(`The text is larger than ${TEXT_MAX_BYTES} bytes.`);
        throw error;
      });
      input = { text: data.toString('utf8') };
    }
    const parsed = jobRequestSchema.safeParse({ type: rule.type, input, ...options });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DropRejected(`The job would be invalid: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}.`);
    }
    return parsed.data as DropJobRequest;
  }

  /** `<key>.json` beside the object, when there is one. */
  private async readManifest(object: DroppedObject): Promise<DropManifest> {
    const manifestKey = `${object.key}.json`;
    let data: Buffer;
    try {
      ({ data } = await this.deps.objects.getBuffer({ bucket: object.bucket, key: manifestKey }, MANIFEST_MAX_BYTES));
    } catch (error) {
      if (isAppError(error) && error.status === 404) return {};
      if (isAppError(error) && error.status === 413) throw new DropRejected(`The manifest ${manifestKey} is larger than ${MANIFEST_MAX_BYTES} bytes.`);
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(data.toString('utf8'));
    } catch (error) {
      throw new DropRejected(`The manifest ${manifestKey} is not JSON: ${(error as Error).message}.`);
    }
    const parsed = dropManifestSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DropRejected(`The manifest ${manifestKey} is invalid: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}.`);
    }
    return parsed.data;
  }

  /** `x-amz-meta-voxq-intent` / `-constraints` / `-metadata` (JSON) and `-webhook` (a URL). */
  private overridesFromMetadata(metadata: Record<string, string>): DropManifest {
    const raw: Record<string, unknown> = {};
    for (const field of ['intent', 'constraints', 'metadata'] as const) {
      const value = metadata[`voxq-${field}`];
      if (value === undefined) continue;
      try {
        raw[field] = JSON.parse(value);
      } catch {
        throw new DropRejected(`The object metadata voxq-${field} is not JSON.`);
      }
    }
    if (metadata['voxq-webhook']) raw.webhook = { url: metadata['voxq-webhook'] };
    const parsed = dropManifestSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DropRejected(`The object metadata voxq-${String(issue?.path[0] ?? '')} is invalid: ${issue?.message ?? 'invalid'}.`);
    }
    return parsed.data;
  }
}
