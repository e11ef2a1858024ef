import express, { type Express } from 'express';
import { adminRoutes } from '@voxq/admin';
import type { Config } from '@voxq/config';
import type { Logger } from '@voxq/logging';
import { buildAppServices, type AppResources, type AppServices } from './app-services';
import { authenticate } from './middleware/authenticate';
import { refuseWhileRedisDown, trackRedisOutage } from './middleware/redis-available';
import { errorHandler, notFoundHandler } from './middleware/error-handler';
import { rateLimit } from './middleware/rate-limit';
import { requestId, securityHeaders } from './middleware/request-context';
import { requestLog, requestMetrics } from './middleware/request-metrics';
import { batchesRoutes } from './routes/batches.routes';
import { consoleRoutes } from './routes/console.routes';
import { docsRoutes } from './routes/docs.routes';
import { dropsRoutes } from './routes/drops.routes';
import { healthRoutes } from './routes/health.routes';
import { jobEventsRoutes } from './routes/job-events.routes';
import { jobsRoutes } from './routes/jobs.routes';
import { metricsRoutes } from './routes/metrics.routes';
import { openAiRoutes } from './routes/openai.routes';
import { providersRoutes } from './routes/providers.routes';
import { realtimeRoutes } from './routes/realtime.routes';
import { secretsRoutes } from './routes/secrets.routes';
import { spekoRoutes } from './routes/speko.routes';
import { uploadsRoutes } from './routes/uploads.routes';
import { usageRoutes } from './routes/usage.routes';
import { webhooksRoutes } from './routes/webhooks.routes';

export interface AppDeps {
  config: Config;
  logger: Logger;
  /** The process's resources (command connection, queues, S3, providers, named connections). */
  resources: AppResources;
  /** The stores and services built on them (default: `buildAppServices(config, resources)`). */
  services?: AppServices;
}

/**
 * The intake API: health probes, then authenticated /v1 routes, then one error envelope.
 * Every store is built once (`buildAppServices`) and each router gets the ones it uses.
 */
export function createApp(deps: AppDeps): Express {
  const { config, logger, resources } = deps;
  const { redis, queues, objects, providers } = resources;
  const services = deps.services ?? buildAppServices(config, resources, logger);
  const { jobs, waiter } = services;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestId, securityHeaders);
  app.use(requestMetrics, requestLog(logger));
  const redisOutage = trackRedisOutage(redis);
  app.use(healthRoutes(redis, redisOutage));
  // The OpenAPI document and its reference page: public, like the probes.
  app.use(docsRoutes());
  // The tenant console: a static page calling /v1 with the tenant's own key.
  app.use(consoleRoutes());
  app.use(metricsRoutes(config.metrics.token));
  // The operator dashboard (its own token, not an API key); without ADMIN_TOKEN, /admin is a 404.
  if (config.admin.token) app.use(adminRoutes({ config, queues, providers }, config.admin.token));
  // Limited per key after authentication, before any router: health probes stay unlimited,
  // and a 429 takes the one envelope (OpenAI's shape, so the SDKs raise RateLimitError).
  app.use('/v1', refuseWhileRedisDown(redisOutage), authenticate(services.keys), rateLimit(services.limiter));
  app.use(usageRoutes({ allowance: services.allowance, limiter: services.limiter, usage: services.usage }));
  app.use(jobsRoutes({ config, jobs, objects, providers }));
  app.use(jobEventsRoutes({ config, redis, jobs, channels: services.channels }));
  app.use(webhooksRoutes({ config, jobs, webhooks: services.webhooks }));
  app.use(secretsRoutes({ config, secrets: services.secrets }));
  app.use(uploadsRoutes({ config, uploads: services.uploads }));
  app.use(dropsRoutes({ config, logger, objects, jobs, rules: services.dropRules, claims: services.dropClaims }));
  app.use(spekoRoutes({ config, logger, jobs, objects, waiter, feed: services.feed, providers, inline: services.inline }));
  app.use(openAiRoutes({ config, logger, jobs, objects, waiter, feed: services.feed, providers, inline: services.inline }));
  app.use(batchesRoutes({ config, objects, batches: services.batches }));
  app.use(realtimeRoutes({ realtime: services.realtime }));
  app.use(providersRoutes({ runtime: providers, redis, prefix: config.redis.prefix, ...(resources.history ? { history: resources.history.store } : {}) }));
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
