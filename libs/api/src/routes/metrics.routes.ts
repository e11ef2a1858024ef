import { Router } from 'express';
import { AppError } from '@voxq/errors';
import { renderMetrics, scrapeAllowed } from '@voxq/metrics';

/**
 * `GET /metrics`: Prometheus text, outside `/v1` (no API key, no rate limit) like the health
 * probes. With `METRICS_TOKEN` set, a scrape must send it as a bearer token. Queue gauges
 * read Redis at most once a second however often this is called.
 */
export function metricsRoutes(token: string | undefined): Router {
  const router = Router();
  router.get('/metrics', async (req, res) => {
    if (!scrapeAllowed(req.header('authorization'), token)) {
      throw new AppError({
        code: 'invalid_metrics_token',
        type: 'authentication_error',
        status: 401,
        message: 'Send the metrics token: `Authorization: Bearer <METRICS_TOKEN>`.',
      });
    }
    const { contentType, body } = await renderMetrics();
    res.type(contentType).send(body);
  });
  return router;
}
