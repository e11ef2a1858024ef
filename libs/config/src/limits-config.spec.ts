import { describe, expect, it } from 'vitest';
import { loadConfig, type ConfigError } from './config';

describe('limits configuration', () => {
  it('limits each key to 50 requests/s with a burst of 100 and leaves tenants unlimited by default', () => {
    expect(loadConfig({}).limits).toEqual({ rateLimit: { perSecond: 50, burst: 100 }, monthlyJobAllowance: 0 });
  });

  it('reads the variables, 0 meaning unlimited', () => {
    const { limits } = loadConfig({ API_RATE_LIMIT_PER_SECOND: '0', API_RATE_LIMIT_BURST: '0', TENANT_MONTHLY_JOB_ALLOWANCE: '10000' });
    expect(limits).toEqual({ rateLimit: { perSecond: 0, burst: 0 }, monthlyJobAllowance: 10_000 });
  });

  it('refuses negative and fractional values, naming each', () => {
    const problems = (() => {
      try {
        loadConfig({ API_RATE_LIMIT_PER_SECOND: '-1', API_RATE_LIMIT_BURST: '1.5', TENANT_MONTHLY_JOB_ALLOWANCE: 'lots' });
      } catch (e) {
        return (e as ConfigError).problems.join('\n');
      }
    })();
    expect(problems).toMatch(/API_RATE_LIMIT_PER_SECOND.*-1/);
    expect(problems).toMatch(/API_RATE_LIMIT_BURST.*1\.5/);
    expect(problems).toMatch(/TENANT_MONTHLY_JOB_ALLOWANCE.*lots/);
  });
});
