import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import type { ControllerHandlerReturnType } from '@bull-board/api/typings/app';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { Express, RequestHandler } from 'express';

/** Where bull-board is served. */
export const BULL_BOARD_PATH = '/admin/queues';

/**
 * bull-board's page: its own scripts, its inline styles (the loading screen and React's),
 * calls to its own API. Its web font (Google Fonts) is not allowed: the page falls back to
 * system fonts and loads nothing from the internet. `base-uri 'self'`: it sets `<base>`.
 */
export const BULL_BOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Keys whose values are secrets wherever they appear in a job: a webhook tool's `authHeaders`
 * and its `headers` (sent as given: clients put credentials there too).
 */
const SECRET_KEYS = /^(authHeaders|headers|authorization|apiKey|api_key|secret|webhookSecret|password|token)$/i;

/** A copy of bull-board's answer with every secret-named value blanked, however deep. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, SECRET_KEYS.test(key) ? '[redacted]' : redactSecrets(v)]));
}

/**
 * bull-board over the given queues, read-only unless `queueActions`. Job payloads are shown
 * (that is what it is for), with secret-named fields blanked by an `after` hook.
 */
export function bullBoard(queues: readonly Queue[], options: { queueActions: boolean; shardOf?: (queue: Queue) => number | null }): RequestHandler {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  // A sharded queue has one BullMQ queue per shard, all of one name: each shows as
  // `shard-<k>/<name>` (bull-board keys queues by name, and groups them at the '/').
  const shared = new Set(queues.filter((q, i) => queues.findIndex((other) => other.name === q.name) !== i).map((q) => q.name));
  const labelOf = (queue: Queue) => {
    const shard = shared.has(queue.name) ? (options.shardOf?.(queue) ?? null) : null;
    return shard === null ? {} : { prefix: `shard-${shard}/`, delimiter: '/' };
  };
  createBullBoard({
    queues: queues.map(
      (queue) =>
        new BullMQAdapter(queue, {
          readOnlyMode: !options.queueActions,
          allowRetries: options.queueActions,
          ...labelOf(queue),
        }),
    ),
    serverAdapter,
    options: {
      // Resolved here rather than by bull-board's own `require.resolve`, which an ES module build lacks.
      uiBasePath: dirname(createRequire(import.meta.url).resolve('@bull-board/ui/package.json')),
      uiConfig: { boardTitle: 'voxq queues', hideDocsLink: true, miscLinks: [{ text: 'voxq status', url: '/admin' }] },
      handlerHooks: {
        after: (_context, result): ControllerHandlerReturnType => ({ ...result, body: redactSecrets(result.body) as ControllerHandlerReturnType['body'] }),
      },
    },
  });
  const app = serverAdapter.getRouter() as Express;
  app.disable('x-powered-by');
  return app;
}
