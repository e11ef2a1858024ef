import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, consoleRoutes } from './console.routes';

describe('consoleRoutes', () => {
  const built = mkdtempSync(join(tmpdir(), 'voxq-console-'));
  const servers: Array<{ close(): void }> = [];
  const serve = async (dir: string) => {
    const app = express().use(consoleRoutes(dir));
    const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  beforeAll(() => {
    mkdirSync(join(built, 'assets'));
    writeFileSync(join(built, 'index.html'), '<!doctype html><title>voxq console</title>');
    writeFileSync(join(built, 'assets/console.js'), 'export {};');
  });
  afterAll(() => {
    servers.forEach((s) => s.close());
    rmSync(built, { recursive: true, force: true });
  });

  it('serves the page at /console and /console/, and its assets, each with the console CSP', async () => {
    const url = await serve(built);
    for (const path of ['/console', '/console/', '/console/assets/console.js']) {
      const res = await fetch(`${url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    }
    expect(await (await fetch(`${url}/console`)).text()).toContain('voxq console');
    expect((await fetch(`${url}/console/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${url}/console/assets/../index.html`)).status).not.toBe(500);
  });

  it('says how to build the console when it is not built, rather than failing', async () => {
    const url = await serve(join(built, 'not-there'));
    const res = await fetch(`${url}/console`);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toContain('npm run build');
  });
});
