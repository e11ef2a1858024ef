import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

// The launcher's own module (plain JS outside the workspace's projects), loaded as `npm start` loads it.
const { appEnvOverrides, metricsBanner } = (await import(pathToFileURL(join(process.cwd(), 'tools/lib/app-env.mjs')).href)) as {
  appEnvOverrides(env: Record<string, string>, app: string): Record<string, string>;
  metricsBanner(env: Record<string, string>): string | null;
};

describe('npm start: each app its own metrics port', () => {
  it('gives the worker METRICS_PORT and the dispatcher the next, so both can listen (it crashed with one port for both)', () => {
    const env = { METRICS_PORT: '9464' };
    const ports = ['api', 'worker', 'dispatcher', 'simulator'].map((app) => appEnvOverrides(env, app).METRICS_PORT);
    expect(ports).toEqual(['0', '9464', '9465', '0']);
    expect(new Set(ports.filter((p) => p !== '0')).size).toBe(2);
    expect(metricsBanner(env)).toContain('dispatcher http://127.0.0.1:9465/metrics');
  });

  it('leaves the environment alone without METRICS_PORT', () => {
    expect(appEnvOverrides({}, 'worker')).toEqual({});
    expect(metricsBanner({ METRICS_PORT: '0' })).toBeNull();
  });
});
