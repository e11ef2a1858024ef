import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of the launcher's, without type declarations.
import { appEnvOverrides, metricsBanner } from '../../../tools/lib/app-env.mjs';

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
