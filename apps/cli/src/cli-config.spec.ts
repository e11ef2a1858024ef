import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliConfigError, cliConfigPath, maskKey, readCliConfig, writeCliConfig } from './cli-config';

describe('the voxq settings file', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'voxq-cli-config-'));
    path = join(dir, 'voxq/config.json');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('lives under XDG_CONFIG_HOME, else ~/.config', () => {
    expect(cliConfigPath({ XDG_CONFIG_HOME: '/x' })).toBe('/x/voxq/config.json');
    expect(cliConfigPath({ XDG_CONFIG_HOME: '' })).toMatch(/\/\.config\/voxq\/config\.json$/);
  });

  it('reads as no settings when missing, and round-trips what it saved, readable by its owner only', async () => {
    expect(await readCliConfig(path)).toEqual({});
    await writeCliConfig(path, { url: 'https://voxq.example.com', apiKey: 'vq_secret' });
    expect(await readCliConfig(path)).toEqual({ url: 'https://voxq.example.com', apiKey: 'vq_secret' });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ url: 'https://voxq.example.com', apiKey: 'vq_secret' });
  });

  it('refuses a URL that is not http(s), and names the file when what it holds is wrong', async () => {
    await expect(writeCliConfig(path, { url: 'ftp://voxq.example.com' })).rejects.toThrow(/url: must be an http\(s\) URL/);
    await writeCliConfig(path, {});
    await writeFile(path, '{"url": "https://a.example", "token": "x"}');
    await expect(readCliConfig(path)).rejects.toThrow(CliConfigError);
    await writeFile(path, 'not json');
    await expect(readCliConfig(path)).rejects.toThrow(`${path} is not JSON`);
  });

  it('masks a key down to what tells two apart', () => {
    expect(maskKey('vq_abcdefghijklmnopqrstuvwxyz')).toBe('vq_abcde…wxyz');
    expect(maskKey('short')).toBe('***');
  });
});
