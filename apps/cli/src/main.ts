import { existsSync } from 'node:fs';
import { runCli } from './tenant-cli';

// The checkout's `npx voxq` (tools/voxq-cli.mjs): the tenant's commands over HTTP, as the
// installable @voxq/cli runs them (tenant.main.ts), plus the operator's `keys`, which go
// straight to Redis and so exist only beside the server's code and config.

// The same `.env` `npm start` reads (variables already set win), so `voxq keys` reaches the Redis
// the running voxq uses rather than the default one.
if (existsSync('.env')) process.loadEnvFile('.env');

process.exitCode = await runCli(process.argv.slice(2), process.env, {
  keys: {
    usage: 'Operator commands (straight to Redis, REDIS_URL): voxq keys <create|list|revoke|set-limit|allowance> ...',
    async run(argv) {
      // Loaded only here: it brings the server's config, Redis client and their dependencies.
      const [{ loadConfig }, { keysCommand }] = await Promise.all([import('@voxq/config'), import('./keys.command')]);
      return keysCommand(loadConfig(), argv);
    },
  },
});
