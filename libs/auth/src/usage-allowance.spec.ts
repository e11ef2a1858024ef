import { describe, expect, it } from 'vitest';
import chargeLua from './scripts/usage-charge.lua';
import { ALLOWANCE_FIELD } from './usage-allowance';

describe('usage-charge.lua', () => {
  it('reads the tenant allowance from the field UsageAllowance writes', () => {
    expect(chargeLua).toContain(`redis.call('HGET', KEYS[2], '${ALLOWANCE_FIELD}')`);
  });
});
