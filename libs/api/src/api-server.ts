import type { AddressInfo } from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Config } from '@voxq/config';
import type { Logger } from '@voxq/logging';
import { collectProcessMetrics, watchQueues } from '@voxq/metrics';
import { untilAborted } from '@voxq/process';
import { openProcessResources } from '@voxq/runtime';
import { buildAppServices, type AppResources, type AppServices } from './app-services';
import { answerClientError } from './client-error';
import { createApp } from './create-app';
import { markDraining } from './routes/health.routes';
import { serveUpgrades } from './upgrade-requests';

export interface ApiServer {
  server: Server;
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  /**
   * Drains: `/readyz` answers 503, the listener closes (new connections are refused),
   * requests in flight get their answers, keep-alive connections close once idle. When
   * `deadline` aborts, the connections still open are cut. The process's resources stay
   * open (their owner closes them after).
   */
  close(deadline?: AbortSignal): Promise<void>;
}

/**
 * The api app's composition root: opens the process's resources (the request-path command
 * connection, queues, S3, providers), serves, and closes them after the server has drained.
 * The app and the test stack both start the API through this.
 */
export async function startApiProcess(config: Config, logger: Logger): Promise<ApiServer> {
  const resources = openProcessResources(config, logger, 'api');
  const server = await resources
    .ready()
    .then(() => startApiServer(resources, config, logger))
    .catch(async (error: unknown) => {
      await resources.close();
      throw error;
    });
  return {
    ...server,
    async close(deadline) {
      await server.close(deadline);
      await resources.close();
    },
  };
}

/**
 * Builds the app on the process's resources (its stores once, `buildAppServices`) and
 * listens. The API only reads provider state (catalog, health, breakers); workers write it.
 */
export async function startApiServer(resources: AppResources, config: Config, logger: Logger, services?: AppServices): Promise<ApiServer> {
  // The api reports every queue's depth (any replica: they all read the same Redis).
  collectProcessMetrics('api');
  const unwatchQueues = watchQueues(resources.queues.all());
  const built = services ?? buildAppServices(config, resources, logger);
  const app = createApp({ config, logger, resources, services: built });

  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.api.port, config.api.host, (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  // Keep-alive longer than typical load balancers' idle timeout so they close first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 120_000;
  server.on('clientError', answerClientError(logger));
  // WebSocket handshakes (`GET /v1/realtime`) go through the app like any request.
  serveUpgrades(server, app);
  // While draining, every answer closes its connection, so clients reconnect elsewhere.
  let draining = false;
  const unanswered = new Set<ServerResponse>();
  const closeAfterAnswer = (res: ServerResponse) => void (res.headersSent || res.setHeader('Connection', 'close'));
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (draining) return closeAfterAnswer(res);
    unanswered.add(res);
    res.once('close', () => unanswered.delete(res));
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.api.host === '0.0.0.0' ? '127.0.0.1' : config.api.host}:${port}`;
  logger.info({ url }, 'api listening');

  return {
    server,
    url,
    async close(deadline) {
      draining = true;
      markDraining(app);
      unanswered.forEach(closeAfterAnswer);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Upgraded sockets still count as the server's connections: realtime sessions end now
      // (their clients are told to start a new one), recorded before the process goes unless
      // the deadline comes first.
      await Promise.race([built.realtime.closeAll(), untilAborted(deadline)]);
      // Connections with no request in flight (idle keep-alive, or opened and silent) close
      // now; the sweep closes the rest as their last answers go out.
      server.closeIdleConnections();
      const sweep = setInterval(() => server.closeIdleConnections(), 100);
      try {
        await Promise.race([closed, untilAborted(deadline)]);
        if (deadline?.aborted) {
          logger.warn('shutdown grace period over: closing connections with requests in flight');
          server.closeAllConnections();
          await closed;
        }
      } finally {
        clearInterval(sweep);
      }
      unwatchQueues();
    },
  };
}
