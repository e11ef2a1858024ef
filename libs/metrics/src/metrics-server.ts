import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@voxq/logging';
import { collectProcessMetrics, renderMetrics } from './registry';
import { scrapeAllowed } from './scrape-auth';

export interface MetricsServerOptions {
  service: 'worker' | 'dispatcher';
  host: string;
  /** 0: no listener (`METRICS_PORT` unset). */
  port: number;
  /** When set, scrapes must send it as a bearer token. */
  token?: string | undefined;
  logger: Logger;
}

export interface MetricsServer {
  /** e.g. http://127.0.0.1:9464; null when off. */
  url: string | null;
  close(): Promise<void>;
}

/**
 * `GET /metrics` for a process that serves no other HTTP (the worker, the dispatcher). The
 * api serves its metrics on its own port instead.
 */
export async function startMetricsServer({ service, host, port, token, logger }: MetricsServerOptions): Promise<MetricsServer> {
  if (port === 0) return { url: null, close: async () => undefined };
  collectProcessMetrics(service);
  const server: Server = createServer((req, res) => {
    const path = req.url?.split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (!scrapeAllowed(req.headers.authorization, token)) {
      res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' }).end('unauthorized\n');
      return;
    }
    renderMetrics().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(req.method === 'HEAD' ? undefined : body),
      (error: unknown) => {
        logger.error({ err: error }, 'metrics scrape failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
  logger.info({ url: `${url}/metrics` }, 'metrics listening');
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
