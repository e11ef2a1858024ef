import { describeError, UsageError, type ApiEnv } from './api-command';
import { BATCHES_USAGE, batchesCommand } from './batches.command';
import { CliConfigError, cliConfigPath, readCliConfig } from './cli-config';
import { CONFIG_USAGE, configCommand } from './config.command';
import { DROPS_USAGE, dropsCommand } from './drops.command';
import { JOB_COMMANDS, JOBS_USAGE, jobsCommand } from './jobs.command';

/** Commands beyond the tenant's (the checkout's operator `keys`), each returning its exit status. */
export type ExtraCommands = Record<string, { usage: string; run: (argv: string[]) => Promise<number> }>;

/**
 * The tenant's `voxq`: jobs, uploads, batches and drop rules through the HTTP API (the SDK), with the
 * address and key from flags, `VOXQ_URL` / `VOXQ_API_KEY` or `voxq config set`. It is all the
 * installed `@voxq/cli` runs; the checkout's `npx voxq` adds the operator commands. Returns the
 * exit status: 0, 1 when a job or the API failed, 2 on a usage error.
 */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv, extra: ExtraCommands = {}): Promise<number> {
  const usage = ['Usage: voxq <command> ...', JOBS_USAGE, BATCHES_USAGE, DROPS_USAGE, CONFIG_USAGE, ...Object.values(extra).map((c) => c.usage)].join('\n\n');
  const [command, ...rest] = argv;
  const configPath = cliConfigPath(env);
  try {
    if (command !== undefined && Object.hasOwn(extra, command)) return await extra[command]!.run(rest);
    if (command === 'config') return await configCommand(rest, configPath, env);
    if (command === 'help' || command === '--help' || command === '-h') {
      console.log(usage);
      return 0;
    }
    const isJobCommand = command !== undefined && JOB_COMMANDS.has(command);
    if (!isJobCommand && command !== 'batches' && command !== 'drops') {
      console.error(command === undefined ? usage : `Unknown command '${command}'.\n\n${usage}`);
      return 2;
    }
    const saved = await readCliConfig(configPath);
    // An empty variable counts as unset, as a shell's `VOXQ_API_KEY= voxq …` means it.
    const api: ApiEnv = { url: env['VOXQ_URL'] || saved.url, apiKey: env['VOXQ_API_KEY'] || saved.apiKey };
    if (isJobCommand) return await jobsCommand(command, rest, api);
    return command === 'batches' ? await batchesCommand(rest, api) : await dropsCommand(rest, api);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\nRun 'voxq help' for usage.`);
      return 2;
    }
    // A ConfigError (keys without a usable REDIS_URL) or a bad config file says what to fix in its message.
    console.error(error instanceof CliConfigError || (error instanceof Error && error.name === 'ConfigError') ? error.message : describeError(error));
    return 1;
  }
}
