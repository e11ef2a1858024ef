import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import type { Config } from '@voxq/config';
import type { ProviderRuntime } from '@voxq/providers';
import type { Queues } from '@voxq/queues';
import { adminAuth } from './admin-auth';
import { adminPageCsp, renderAdminPage } from './admin-page';
import { readAdminStatus } from './admin-status';
import { BULL_BOARD_CSP, BULL_BOARD_PATH, bullBoard } from './bull-board';

export interface AdminDeps {
  config: Config;
  /** The process's producers: every queue, including those the api never feeds (tools). */
  queues: Pick<Queues, 'all' | 'shardOfQueue'>;
  providers: ProviderRuntime;
}

/**
 * The operator dashboard, outside `/v1` and its API keys: `GET /admin` (status page),
 * `GET /admin/status.json` (the same for machines) and bull-board under `/admin/queues`.
 * Every path under `/admin` needs the admin token. Mount it only when `ADMIN_TOKEN` is set:
 * without it nothing here exists and `/admin` is the API's 404.
 */
export function adminRoutes(deps: AdminDeps, token: string): Router {
  const queues = deps.queues.all();
  const router = Router();
  router.use('/admin', adminAuth(token));

  router.get('/admin', async (_req, res) => {
    const nonce = randomBytes(16).toString('base64');
    const status = await readAdminStatus(queues, deps.providers);
    res.setHeader('Content-Security-Policy', adminPageCsp(nonce));
    res.type('html').send(renderAdminPage(status, { nonce, queueActions: deps.config.admin.queueActions }));
  });

  router.get('/admin/status.json', async (_req, res) => {
    res.json(await readAdminStatus(queues, deps.providers));
  });

  router.use(
    BULL_BOARD_PATH,
    (_req, res, next) => {
      res.setHeader('Content-Security-Policy', BULL_BOARD_CSP);
      next();
    },
    bullBoard(queues, { queueActions: deps.config.admin.queueActions, shardOf: (queue) => deps.queues.shardOfQueue(queue) }),
  );
  return router;
}
