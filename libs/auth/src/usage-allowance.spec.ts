import { describe, expect, it } from 'vitest';
import chargeLua from './scripts/usage-charge.lua';
import chargeManyLua from './scripts/usage-charge-many.lua';
import { ALLOWANCE_FIELD } from './usage-allowance';

describe('usage-charge scripts', () => {
  it.each([
    ['usage-charge.lua', chargeLua],
    ['usage-charge-many.lua', chargeManyLua],
  ])('%s reads the tenant allowance from the field UsageAllowance writes', (_name, lua) => {
    expect(lua).toContain(`redis.call('HGET', KEYS[2], '${ALLOWANCE_FIELD}')`);
  });
});
