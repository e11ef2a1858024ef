import type { Queue } from 'bullmq';
import express, { type Express } from 'express';
import { ApiRateLimiter, UsageAllowance, type ApiKeyStore } from '@voxq/auth';
import type { Config } from '@voxq/config';
import type { Logger } from '@voxq/logging';
import type { ProviderRuntime } from '@voxq/providers';
import type { ObjectStore } from '@voxq/storage';
import type { Redis } from 'ioredis';
import { authenticate } from './middleware/authenticate';
import { errorHandler, notFoundHandler } from './middleware/error-handler';
import { rateLimit } from './middleware/rate-limit';
import { requestId, securityHeaders } from './middleware/request-context';
import { requestMetrics } from './middleware/request-metrics';
import { adminRoutes } from '@voxq/admin';
import { batchesRoutes } from './routes/batches.routes';
import { docsRoutes } from './routes/docs.routes';
import { dropsRoutes } from './routes/drops.routes';
import { healthRoutes } from './routes/health.routes';
import { jobEventsRoutes } from './routes/job-events.routes';
import { jobsRoutes } from './routes/jobs.routes';
import { metricsRoutes } from './routes/metrics.routes';
import { openAiRoutes } from './routes/openai.routes';
import { providersRoutes } from './routes/providers.routes';
import { spekoRoutes } from './routes/speko.routes';
import { uploadsRoutes } from './routes/uploads.routes';
import { usageRoutes } from './routes/usage.routes';
import { webhooksRoutes } from './routes/webhooks.routes';
import type { JobService } from '@voxq/intake';

export interface AppDeps {
  config: Config;
  logger: Logger;
  redis: Redis;
  keys: ApiKeyStore;
  jobs: JobService;
  /** S3: job audio (inputs, results) and uploads. */
  objects: ObjectStore;
  providers: ProviderRuntime;
  /** The `webhooks` queue (redeliveries; endpoint and delivery records live beside it). */
  webhookQueue: Queue;
  /** The `batches` queue: each batch's runner (validate, expand, watch, finalize) and its files' expiry. */
  batchQueue: Queue;
}

/** The intake API: health probes, then authenticated /v1 routes, then one error envelope. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestId, securityHeaders);
  app.use(requestMetrics);
  app.use(healthRoutes(deps.redis));
  // The OpenAPI document and its reference page: public, like the probes.
  app.use(docsRoutes());
  app.use(metricsRoutes(deps.config.metrics.token));
  // The operator dashboard (its own token, not an API key); without ADMIN_TOKEN, /admin is a 404.
  if (deps.config.admin.token) app.use(adminRoutes(deps, deps.config.admin.token));
  // Limited per key after authentication, before any router: health probes stay unlimited,
  // and a 429 takes the one envelope (OpenAI's shape, so the SDKs raise RateLimitError).
  const limiter = new ApiRateLimiter(deps.redis, deps.config.redis.prefix, deps.config.limits.rateLimit);
  app.use('/v1', authenticate(deps.keys), rateLimit(limiter));
  app.use(usageRoutes({ allowance: new UsageAllowance(deps.redis, deps.config.redis.prefix, deps.config.limits.monthlyJobAllowance), limiter }));
  app.use(jobsRoutes(deps));
  app.use(jobEventsRoutes(deps));
  app.use(webhooksRoutes(deps));
  app.use(uploadsRoutes(deps));
  app.use(dropsRoutes(deps));
  app.use(spekoRoutes(deps));
  app.use(openAiRoutes(deps));
  app.use(batchesRoutes(deps));
  app.use(providersRoutes({ runtime: deps.providers, redis: deps.redis, prefix: deps.config.redis.prefix }));
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
