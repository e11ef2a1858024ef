// The chaos suite's own Postgres for the history tier: a throwaway cluster (initdb) on a free
// port, stopped (a clean shutdown) and killed (`pg_ctl stop -m immediate`: every process ends
// at once, no checkpoint, crash recovery at the next start) mid-run. The verdict reads it
// directly: every finished job must be there exactly once, with the status the API reports,
// and its webhook's delivery with it, succeeded.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { sleep } from '../bench/wait.mjs';
import { freePort } from '../lib/net.mjs';

/** The newest installed Postgres's bin folder (Debian's layout), or null. */
function postgresBin() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb')));
  versions.sort((a, b) => Number(a) - Number(b));
  return versions.length ? join(root, versions.at(-1), 'bin') : null;
}

/** initdb and postgres refuse to run as root: as root, the cluster is the postgres user's. */
function asPostgres(command, args) {
  const root = process.getuid?.() === 0;
  const run = root ? spawnSync('runuser', ['-u', 'postgres', '--', command, ...args], { encoding: 'utf8' }) : spawnSync(command, args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${run.stderr || run.stdout}`);
}

/** A Postgres of the suite's own, or null when none is installed (the history checks are then skipped). */
export async function startChaosPostgres({ downMs }) {
  const bin = postgresBin();
  if (!bin) return null;
  const dir = mkdtempSync(join(tmpdir(), 'voxq-chaos-pg-'));
  chmodSync(dir, 0o700);
  if (process.getuid?.() === 0)
    chownSync(
      dir,
      Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim()),
      Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim()),
    );
  const port = await freePort();
  asPostgres(join(bin, 'initdb'), ['-D', dir, '-U', 'postgres', '--auth=trust', '-N']);
  const ctl = (...args) => asPostgres(join(bin, 'pg_ctl'), ['-D', dir, ...args]);
  const start = () => ctl('-l', join(dir, 'server.log'), '-w', '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir}`, 'start');
  start();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const outage = (mode, label) => async () => {
    ctl('-m', mode, '-w', 'stop');
    await sleep(downMs);
    start();
    return `Postgres ${label}, started again after ${downMs} ms`;
  };
  const query = async (sql, params, shape) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return shape((await client.query(sql, params)).rows);
    } finally {
      await client.end();
    }
  };
  return {
    url,
    description: `Postgres of its own on port ${port}`,
    faultsDescription: `Postgres stopped at 60% and killed (immediate) at 80%, each down ${downMs} ms`,
    faults: [
      { at: 0.6, run: outage('fast', 'stopped') },
      { at: 0.8, run: outage('immediate', 'killed (pg_ctl stop -m immediate)') },
    ],
    /** Each id's rows in history (0 = not there) and the status stored, once the backlog has moved. */
    rows: (ids) =>
      query(
        'SELECT id, status, count(*)::int AS n FROM jobs WHERE id = ANY($1) GROUP BY id, status',
        [ids],
        (rows) => new Map(rows.map((r) => [r.id, { n: r.n, status: r.status }])),
      ),
    /** Each job's webhook deliveries in history: how many, and how many succeeded. */
    deliveries: (ids) =>
      query(
        "SELECT subject_id, count(*)::int AS n, count(*) FILTER (WHERE state = 'succeeded')::int AS succeeded FROM webhook_deliveries WHERE subject_id = ANY($1) GROUP BY subject_id",
        [ids],
        (rows) => new Map(rows.map((r) => [r.subject_id, { n: r.n, succeeded: r.succeeded }])),
      ),
    stop() {
      try {
        ctl('-m', 'immediate', 'stop');
      } catch {
        // Already down.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
