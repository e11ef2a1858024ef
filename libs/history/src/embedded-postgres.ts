import { mkdir } from 'node:fs/promises';

export interface EmbeddedPostgresOptions {
  /** Folder of the database's files (`.voxq/pg`); created if missing. Absent: in memory, gone at stop. */
  dir?: string;
  /** @defaultValue 5433 (0: any free port) */
  port?: number;
  /** @defaultValue 127.0.0.1 */
  host?: string;
  /**
   * Clients the server accepts at once: one more is refused (pg then reports "Connection
   * terminated unexpectedly"). Each process of a local start keeps one (`POSTGRES_POOL_MAX=1`).
   * @defaultValue 16
   */
  maxConnections?: number;
}

export interface EmbeddedPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`: what `POSTGRES_URL` is set to. */
  url: string;
  /** Closes every client, then the database (its files are flushed). */
  stop(): Promise<void>;
}

/**
 * Postgres without installing Postgres, for `npm start`: PGlite (Postgres compiled to WASM)
 * served on the Postgres wire protocol by pglite-socket, so every app speaks plain pg. One
 * process hosts it (PGlite holds its data folder alone); the others connect over TCP.
 * PGlite runs one statement at a time: clients' statements are queued and interleave, and a
 * transaction holds the queue until it ends. What this means for clients: docs/history.md.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  if (options.dir) await mkdir(options.dir, { recursive: true });
  // Loaded here, not with the lib: only `npm start`'s launcher (and tests) run the embedded server.
  const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite-socket')]);
  const db = await PGlite.create(options.dir ? { dataDir: options.dir } : {});
  const host = options.host ?? '127.0.0.1';
  const server = new PGLiteSocketServer({ db, host, port: options.port ?? 5433, maxConnections: options.maxConnections ?? 16 });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  const port = Number(server.getServerConn().split(':').at(-1));
  return {
    url: `postgres://postgres@${host}:${port}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
