import { text } from 'node:stream/consumers';
import { CliConfigError, CONFIG_SETTINGS, maskKey, readCliConfig, writeCliConfig, type ConfigSetting } from './cli-config';
import { DEFAULT_URL, printJson, UsageError } from './api-command';

export const CONFIG_USAGE = `Settings (saved in $XDG_CONFIG_HOME/voxq/config.json, else ~/.config/voxq/config.json;
VOXQ_URL / VOXQ_API_KEY and --url / --api-key win over them):
  voxq config set url <url>        the API's address (default ${DEFAULT_URL})
  voxq config set api-key <key|->  the tenant's API key ('-' reads it from stdin, out of the shell's history)
  voxq config unset <url|api-key>
  voxq config show [--json]        each setting and where it comes from (the key masked)`;

const isSetting = (name: string | undefined): name is ConfigSetting => name !== undefined && Object.hasOwn(CONFIG_SETTINGS, name);

/** `voxq config set|unset|show`: the settings file at `path`, read against `env`. */
export async function configCommand(argv: string[], path: string, env: NodeJS.ProcessEnv): Promise<number> {
  const [action, name, value, ...extra] = argv.filter((arg) => arg !== '--json');
  const json = argv.includes('--json');
  if (action === undefined || action === 'help' || argv.includes('--help') || argv.includes('-h')) {
    (action === undefined ? console.error : console.log)(CONFIG_USAGE);
    return action === undefined ? 2 : 0;
  }
  if (action === 'show') {
    const saved = await readCliConfig(path);
    const url = env['VOXQ_URL']
      ? { value: env['VOXQ_URL'], from: 'VOXQ_URL' }
      : saved.url
        ? { value: saved.url, from: path }
        : { value: DEFAULT_URL, from: 'default' };
    const key = env['VOXQ_API_KEY'] ? { value: env['VOXQ_API_KEY'], from: 'VOXQ_API_KEY' } : saved.apiKey ? { value: saved.apiKey, from: path } : undefined;
    const apiKey = key ? { value: maskKey(key.value), from: key.from } : { value: null, from: 'unset' };
    if (json) printJson({ path, url, apiKey });
    else console.log(`config file: ${path}\nurl:         ${url.value} (${url.from})\napi-key:     ${apiKey.value ?? '(none)'} (${apiKey.from})`);
    return 0;
  }
  if ((action !== 'set' && action !== 'unset') || !isSetting(name) || extra.length > 0 || (action === 'set') !== (value !== undefined))
    throw new UsageError(CONFIG_USAGE);
  const saved = await readCliConfig(path);
  const field = CONFIG_SETTINGS[name];
  if (action === 'unset') delete saved[field];
  else saved[field] = value === '-' ? (await text(process.stdin)).trim() : value;
  try {
    await writeCliConfig(path, saved);
  } catch (error) {
    // A value the file would not take back (`url` not http(s)) is the caller's to fix.
    if (error instanceof CliConfigError) throw new UsageError(`voxq config ${action}: ${error.message}`);
    throw error;
  }
  console.error(action === 'set' ? `Saved ${name} to ${path}.` : `Removed ${name} from ${path}.`);
  return 0;
}
