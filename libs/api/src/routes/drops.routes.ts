import { Router, type Request } from 'express';
import type { Config } from '@voxq/config';
import {
  DropIntake,
  dropRuleRequestSchema,
  type DropClaims,
  type DropRuleStore,
  newDropRuleId,
  s3EventSchema,
  type DropOutcome,
  type DropRule,
} from '@voxq/drops';
import { errors } from '@voxq/errors';
import type { Logger } from '@voxq/logging';
import { tenantPrefix, type ObjectStore } from '@voxq/storage';
import { assertDeliverableUrl } from '@voxq/url-guard';
import { principalOf } from '../middleware/authenticate';
import { jsonBody } from '../middleware/job-body';
import { type JobService, parseOrThrow } from '@voxq/intake';

export interface DropsRoutesDeps {
  config: Config;
  logger: Logger;
  objects: ObjectStore;
  jobs: JobService;
  /** Tenants' drop rules. */
  rules: DropRuleStore;
  /** Which object versions already became a job (shared with the worker's poller through Redis). */
  claims: DropClaims;
}

/** S3 event names of a new object: `s3:ObjectCreated:Put` (MinIO), `ObjectCreated:Put` (AWS). */
const CREATED = /^(s3:)?ObjectCreated:/;

/** Event keys are URL-encoded, spaces as `+`. */
const decodeKey = (key: string) => decodeURIComponent(key.replaceAll('+', ' '));

/**
 * Bucket drops: `/v1/drop-rules` (a tenant's watched folders) and `/v1/s3-events`, where
 * MinIO or AWS (through a forwarder) post object-created notifications with the tenant's
 * key as bearer token. Events only name objects; the intake claims each version, so an event
 * and the poller finding the same object make one job.
 */
export function dropsRoutes(deps: DropsRoutesDeps): Router {
  const router = Router();
  const { rules } = deps;
  const intake = new DropIntake({
    objects: deps.objects,
    claims: deps.claims,
    submit: async (tenantId, request, idempotencyKey) => (await deps.jobs.submit({ tenantId, keyId: 'drop-rule' }, request, idempotencyKey)).view,
    logger: deps.logger,
  });
  const idOf = (req: Request) => String(req.params.id);

  router.post('/v1/drop-rules', jsonBody(deps.config), async (req, res) => {
    const { tenantId } = principalOf(req);
    const request = parseOrThrow(dropRuleRequestSchema, req.body);
    const own = tenantPrefix(tenantId);
    for (const param of ['prefix', 'outputPrefix'] as const) {
      if (!request[param].startsWith(own)) throw errors.invalidRequest(`${param}: must be inside this tenant's folder '${own}'.`, param);
    }
    if (request.prefix.startsWith(request.outputPrefix) || request.outputPrefix.startsWith(request.prefix)) {
      // Outputs landing in the watched folder would be dropped again.
      throw errors.invalidRequest('outputPrefix: must not be inside prefix, nor contain it.', 'outputPrefix');
    }
    // Checked now, not first when a drop is submitted, so a rule never targets the private network.
    if (request.webhook) await assertDeliverableUrl(request.webhook.url, deps.config.webhooks, 'webhook.url');
    const bucket = request.bucket ?? deps.objects.bucket;
    if (bucket !== deps.objects.bucket) throw errors.invalidRequest(`bucket: only voxq's bucket '${deps.objects.bucket}' can be watched.`, 'bucket');
    const rule: DropRule = { object: 'drop_rule', id: newDropRuleId(), tenantId, ...request, bucket, createdAt: new Date().toISOString() };
    await rules.create(rule);
    res.status(201).location(`/v1/drop-rules/${rule.id}`).json(rule);
  });

  router.get('/v1/drop-rules', async (req, res) => {
    const data = await rules.list(principalOf(req).tenantId);
    res.json({ object: 'list', data, hasMore: false });
  });

  router.get('/v1/drop-rules/:id', async (req, res) => {
    const rule = await rules.get(principalOf(req).tenantId, idOf(req));
    if (!rule) throw errors.notFound('drop rule', idOf(req));
    res.json(rule);
  });

  router.delete('/v1/drop-rules/:id', async (req, res) => {
    if (!(await rules.delete(principalOf(req).tenantId, idOf(req)))) throw errors.notFound('drop rule', idOf(req));
    res.json({ object: 'drop_rule', id: idOf(req), deleted: true });
  });

  router.post('/v1/s3-events', jsonBody(deps.config), async (req, res) => {
    const { tenantId } = principalOf(req);
    const event = parseOrThrow(s3EventSchema, req.body);
    const tenantRules = await rules.list(tenantId);
    const counts: Record<DropOutcome, number> = { submitted: 0, duplicate: 0, in_progress: 0, ignored: 0, failed: 0 };
    // One at a time: a notification carries a handful of records, and order is kept.
    for (const record of event.Records) {
      const key = decodeKey(record.s3.object.key);
      const bucket = record.s3.bucket.name;
      const rule = CREATED.test(record.eventName) ? tenantRules.find((r) => DropIntake.isDrop(r, bucket, key)) : undefined;
      if (!rule) {
        counts.ignored++;
        continue;
      }
      const { eTag, versionId, size } = record.s3.object;
      counts[
        await intake.consider(rule, {
          bucket,
          key,
          ...(eTag ? { etag: eTag } : {}),
          ...(versionId ? { versionId } : {}),
          ...(size === undefined ? {} : { size }),
        })
      ]++;
    }
    res.json({ object: 's3_event_receipt', received: event.Records.length, ...counts });
  });

  return router;
}
