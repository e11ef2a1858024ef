import { Router, type Request } from 'express';
import type { Config } from '@voxq/config';
import { createWebhookEndpointSchema, listWebhookDeliveriesQuerySchema, updateWebhookEndpointSchema } from '@voxq/contracts';
import { errors } from '@voxq/errors';
import { JOB_ID_PATTERN } from '@voxq/job-store';
import { assertDeliverableUrl } from '@voxq/url-guard';
import {
  awaitFirstAttempt,
  deliveryViews,
  endpointInfo,
  endpointOptions,
  readDeliveryDetail,
  readDeliveryLog,
  redeliverWebhook,
  toDeliveryView,
  toEndpointView,
  type WebhookQueueContext,
  type WebhookEndpoint,
} from '@voxq/webhooks';
import { principalOf } from '../middleware/authenticate';
import { jsonBody } from '../middleware/job-body';
import { type JobService, parseOrThrow } from '@voxq/intake';

export interface WebhooksRoutesDeps {
  config: Config;
  jobs: JobService;
  /** The `webhooks` queue (redeliveries go on it) and the endpoint and delivery stores its fan-out uses. */
  webhooks: WebhookQueueContext;
}

const idOf = (req: Request) => String(req.params.id);

/** A redeliver waits for its first attempt this long beyond the request's own budget (the dispatcher picking it up). */
const REDELIVER_WAIT_MARGIN_MS = 5_000;

/**
 * A tenant's webhook endpoints (`/v1/webhooks`), the deliveries made to them and to jobs'
 * own urls (`/v1/webhook-deliveries`), and each job's attempt log. Another tenant's
 * endpoint or delivery is a 404, like a job.
 */
export function webhooksRoutes(deps: WebhooksRoutesDeps): Router {
  const router = Router();
  const { config } = deps;
  const { endpoints, deliveries } = deps.webhooks;
  const found = (endpoint: WebhookEndpoint | null, id: string) => {
    if (!endpoint) throw errors.notFound('webhook_endpoint', id);
    return endpoint;
  };

  router.post('/v1/webhooks', jsonBody(config), async (req, res) => {
    const input = parseOrThrow(createWebhookEndpointSchema, req.body);
    await assertDeliverableUrl(input.url, config.webhooks, 'url');
    const endpoint = await endpoints.create(principalOf(req).tenantId, input);
    res
      .status(201)
      .location(`/v1/webhooks/${endpoint.id}`)
      .json(toEndpointView(endpoint, { withSecret: true }));
  });

  router.get('/v1/webhooks', async (req, res) => {
    const list = await endpoints.list(principalOf(req).tenantId);
    res.json({ object: 'list', data: list.map((e) => toEndpointView(e)) });
  });

  router.get('/v1/webhooks/:id', async (req, res) => {
    const endpoint = await endpoints.get(principalOf(req).tenantId, idOf(req));
    res.json(toEndpointView(found(endpoint, idOf(req))));
  });

  router.patch('/v1/webhooks/:id', jsonBody(config), async (req, res) => {
    const patch = parseOrThrow(updateWebhookEndpointSchema, req.body);
    if (patch.url !== undefined) await assertDeliverableUrl(patch.url, config.webhooks, 'url');
    const endpoint = await endpoints.update(principalOf(req).tenantId, idOf(req), patch);
    res.json(toEndpointView(found(endpoint, idOf(req))));
  });

  /** Its pending deliveries are cancelled as they come up. */
  router.delete('/v1/webhooks/:id', async (req, res) => {
    const deleted = await endpoints.delete(principalOf(req).tenantId, idOf(req));
    if (!deleted) throw errors.notFound('webhook_endpoint', idOf(req));
    res.json({ id: idOf(req), object: 'webhook_endpoint', deleted: true });
  });

  /** The new secret is in this answer only; the old one keeps signing during the grace period. */
  router.post('/v1/webhooks/:id/rotate-secret', async (req, res) => {
    const endpoint = await endpoints.rotateSecret(principalOf(req).tenantId, idOf(req), config.webhooks.rotationGraceMs);
    res.json(toEndpointView(found(endpoint, idOf(req)), { withSecret: true }));
  });

  /** `status`, `event` and `sessionId` are the Speko SDK's names for `state`, the event type and `jobId`; `endpointOptions` its endpoint filter's choices. */
  router.get('/v1/webhook-deliveries', async (req, res) => {
    const query = parseOrThrow(listWebhookDeliveriesQuerySchema, req.query, 'query');
    const { tenantId } = principalOf(req);
    const state = query.state ?? query.status;
    const jobId = query.jobId ?? query.sessionId;
    const [page, endpointsById] = await Promise.all([
      deliveries.list(tenantId, {
        limit: query.limit,
        ...(state ? { state } : {}),
        ...(query.event ? { eventType: query.event } : {}),
        ...(jobId ? { jobId } : {}),
        ...(query.endpointId ? { endpointId: query.endpointId } : {}),
        ...(query.from ? { from: query.from } : {}),
        ...(query.to ? { to: query.to } : {}),
        ...(query.cursor ? { after: query.cursor } : {}),
      }),
      endpointInfo(endpoints, tenantId),
    ]);
    res.json({
      object: 'list',
      data: deliveryViews(page.deliveries, endpointsById),
      nextCursor: page.nextCursor,
      hasMore: page.nextCursor !== null,
      endpointOptions: endpointOptions(endpointsById),
    });
  });

  router.get('/v1/webhook-deliveries/:id', async (req, res) => {
    res.json(await readDeliveryDetail(deps.webhooks, principalOf(req).tenantId, idOf(req)));
  });

  /**
   * The same event (same `webhook-id`) again, as a new series of attempts. Answers the first
   * attempt's outcome (`delivered`, `httpStatus`, `error`: what the Speko SDK reads) when it
   * finishes within the endpoint's timeout and a margin; else 202 with `delivered: false`.
   */
  router.post('/v1/webhook-deliveries/:id/redeliver', async (req, res) => {
    const { tenantId } = principalOf(req);
    const started = await redeliverWebhook(deps.webhooks, tenantId, idOf(req));
    const endpoint = started.endpointId ? await endpoints.get(tenantId, started.endpointId) : null;
    const timeoutMs = endpoint?.timeoutMs ?? config.webhooks.timeoutMs;
    const first = await awaitFirstAttempt(deliveries, started, timeoutMs + REDELIVER_WAIT_MARGIN_MS);
    const view = toDeliveryView(first.record, endpoint ?? undefined);
    if (!first.done) {
      res.status(202).json({ ...view, delivered: false, httpStatus: null, error: null });
      return;
    }
    res.json({ ...view, delivered: first.record.series === started.series && first.record.state === 'succeeded' });
  });

  /** Every HTTP attempt at the job's webhooks, newest first. */
  router.get('/v1/jobs/:id/deliveries', async (req, res) => {
    const id = idOf(req);
    if (!JOB_ID_PATTERN.test(id)) throw errors.notFound('job', id);
    await deps.jobs.get(principalOf(req), id); // 404 unless it is the tenant's job
    res.json({ object: 'list', data: await readDeliveryLog(deliveries, principalOf(req).tenantId, id) });
  });

  return router;
}
