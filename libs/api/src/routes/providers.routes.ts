import { Router } from 'express';
import type { RedisClient } from '@voxq/redis-keys';
import { errors } from '@voxq/errors';
import { describeProviders, getScoresRun, listModels, retrieveModel, scoresRunSchema, type ProviderRuntime } from '@voxq/providers';
import { modelsQuerySchema } from '@voxq/surfaces';
import { principalOf } from '../middleware/authenticate';
import { parseOrThrow } from '@voxq/intake';

const SCORES_RUN_ID = /^sr_[0-9a-f]{32}$/;

/** The provider catalog (seed 004's `/v1/models`), provider health, and routing decisions. */
export interface ProvidersRouteDeps {
  runtime: ProviderRuntime;
  redis: RedisClient;
  prefix: string;
  /** The history tier: scores runs past their hot window are read there. */
  history?: { getScoresRun(tenantId: string, id: string): Promise<unknown> };
}

export function providersRoutes(deps: ProvidersRouteDeps): Router {
  const router = Router();

  router.get('/v1/models', (req, res) => {
    const query = parseOrThrow(modelsQuerySchema, req.query, 'query');
    res.json({ object: 'list', data: listModels(deps.runtime, query.recommended_for) });
  });

  /** OpenAI's Model object; an id may hold slashes (`meta/llama-3.3-70b-instruct`, `openai/gpt-4o-mini`). */
  router.get('/v1/models/*id', (req, res) => {
    const id = ([] as string[]).concat(req.params.id ?? []).join('/');
    res.json(retrieveModel(deps.runtime, id));
  });

  router.get('/v1/providers', (_req, res) => {
    res.json({ object: 'list', data: describeProviders(deps.runtime) });
  });

  /** Why each candidate ranked where it did for one of the tenant's jobs. */
  router.get('/v1/scores-runs/:id', async (req, res) => {
    const id = String(req.params.id);
    const { tenantId } = principalOf(req);
    let run = SCORES_RUN_ID.test(id) ? await getScoresRun(deps.redis, deps.prefix, id) : undefined;
    // Redis first (fresh runs), then the history tier, which keeps the same record (tenant-scoped).
    if (!run && SCORES_RUN_ID.test(id) && deps.history) {
      const cold = await deps.history.getScoresRun(tenantId, id);
      if (cold) run = scoresRunSchema.parse(cold);
    }
    if (!run || (run.tenantId !== undefined && run.tenantId !== tenantId)) throw errors.notFound('scores_run', id);
    const { tenantId: _tenant, ...view } = run;
    res.json({ object: 'scores_run', ...view });
  });

  return router;
}
