import { createServer, connect, type Server, type Socket } from 'node:net';
import { freePort } from './redis-server';

/** A TCP proxy a test can take down and bring back on the same port: an outage of what it fronts. */
export interface TcpProxy {
  /** `http://127.0.0.1:PORT`, for an HTTP service behind it. */
  url: string;
  port: number;
  /** Refuses new connections and cuts the open ones (ECONNREFUSED, ECONNRESET), as a dead server does. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Fronts `target` (`http://host:port`) with a proxy whose `down` and `up` make an outage of
 * any server, whatever runs it (s3rver in this process, MinIO in a container, an S3 given by
 * `S3_ENDPOINT`), without touching its data.
 */
export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const { hostname, port: targetPort } = new URL(target);
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | null = null;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const made = createServer((client) => {
        const upstream = connect(Number(targetPort), hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => socket.destroy());
        }
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      made.once('error', reject);
      made.listen(port, '127.0.0.1', () => {
        server = made;
        resolve();
      });
    });

  const down = async () => {
    const closing = server;
    server = null;
    for (const socket of sockets) socket.destroy();
    if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
  };

  await listen();
  return { url: `http://127.0.0.1:${port}`, port, down, up: listen, close: down };
}
