import { existsSync } from 'node:fs';
import { describeError, UsageError, type ApiEnv } from './api-command';
import { DROPS_USAGE, dropsCommand } from './drops.command';
import { JOBS_USAGE, jobsCommand } from './jobs.command';

const USAGE = `Usage: voxq <command> ...

${JOBS_USAGE}

${DROPS_USAGE}

Operator commands (straight to Redis, REDIS_URL): voxq keys <create|list|revoke|set-limit|allowance> ...`;

const JOB_COMMANDS = new Set(['submit', 'submit-dir', 'wait', 'get', 'list', 'cancel', 'download']);

// The same `.env` `npm start` reads (variables already set win), so `voxq keys` reaches the Redis
// the running voxq uses rather than the default one.
if (existsSync('.env')) process.loadEnvFile('.env');

// The API commands read only these two; `keys` loads the server's config (it talks to Redis).
const env: ApiEnv = { url: process.env['VOXQ_URL'], apiKey: process.env['VOXQ_API_KEY'] };

const [command, ...rest] = process.argv.slice(2);
try {
  if (command === 'keys') {
    // Loaded only here: it brings the server's config, Redis client and their dependencies.
    const [{ loadConfig }, { keysCommand }] = await Promise.all([import('@voxq/config'), import('./keys.command')]);
    process.exitCode = await keysCommand(loadConfig(), rest);
  } else if (command && JOB_COMMANDS.has(command)) {
    process.exitCode = await jobsCommand(command, rest, env);
  } else if (command === 'drops') {
    process.exitCode = await dropsCommand(rest, env);
  } else if (command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
  } else {
    console.error(command === undefined ? USAGE : `Unknown command '${command}'.\n\n${USAGE}`);
    process.exitCode = 2;
  }
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\nRun 'voxq help' for usage.`);
    process.exitCode = 2;
  } else {
    // A ConfigError (keys without a usable REDIS_URL) says what to fix in its message.
    console.error(error instanceof Error && error.name === 'ConfigError' ? error.message : describeError(error));
    process.exitCode = 1;
  }
}
