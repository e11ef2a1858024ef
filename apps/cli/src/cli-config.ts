import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';

/**
 * What `voxq config set` saves, so an installed `voxq` needs no environment: the API's address
 * and the tenant's key. `VOXQ_URL` / `VOXQ_API_KEY` and the `--url` / `--api-key` flags win.
 */
const cliConfigSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://voxq.example.com' }).optional(),
  apiKey: z.string().min(1).optional(),
});
export type CliConfig = z.infer<typeof cliConfigSchema>;

/** The settings `voxq config set <name>` takes, as the flags spell them. */
export const CONFIG_SETTINGS = { url: 'url', 'api-key': 'apiKey' } as const satisfies Record<string, keyof CliConfig>;
export type ConfigSetting = keyof typeof CONFIG_SETTINGS;

/** A config file that is not what `voxq config set` writes: says which file and what is wrong. */
export class CliConfigError extends Error {
  override readonly name = 'CliConfigError';
}

/** `$XDG_CONFIG_HOME/voxq/config.json`, else `~/.config/voxq/config.json`. */
export function cliConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['XDG_CONFIG_HOME'] || join(homedir(), '.config');
  return join(base, 'voxq', 'config.json');
}

/** The saved settings; none when the file does not exist. */
export async function readCliConfig(path: string): Promise<CliConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliConfigError(`Cannot read ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliConfigError(`${path} is not JSON; fix it or remove it and run 'voxq config set' again.`);
  }
  const parsed = cliConfigSchema.safeParse(json);
  if (!parsed.success) throw new CliConfigError(`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** Checks `config` as the file would be read back, then saves it readable by its owner only (it holds an API key). */
export async function writeCliConfig(path: string, config: CliConfig): Promise<void> {
  const parsed = cliConfigSchema.safeParse(config);
  if (!parsed.success) throw new CliConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // Written aside and renamed, so a command reading it meanwhile never sees half a file.
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(parsed.data, null, 2)}\n`, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, path);
}

/** A key as `voxq config show` prints it: enough to tell two apart, never enough to use. */
export const maskKey = (key: string) => (key.length <= 12 ? '***' : `${key.slice(0, 8)}…${key.slice(-4)}`);
