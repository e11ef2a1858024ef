import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertSafeKey, TENANT_PREFIX, tenantKey, tenantOfKey, tenantPrefix } from './tenant-key';

// One case per key-layout rule, on both sides of each limit, then properties over
// arbitrary input: whatever a request puts in a part, a key never leaves its tenant.

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error as { code: string; status: number; param: string; message: string };
  }
  throw new Error('accepted');
};

describe('tenant ids', () => {
  it.each(['a', '0', 'acme', 'a-b_c', '9lives', 'a'.repeat(63)])('accepts %j', (tenant) => {
    expect(tenantPrefix(tenant)).toBe(`tenants/${tenant}/`);
    expect(tenantKey(tenant, 'x')).toBe(`tenants/${tenant}/x`);
  });

  it.each(['', 'A', 'Acme', '-a', '_a', 'a'.repeat(64), 'a.b', 'a/b', 'a b', 'a\n', '\na', 'é', '..'])('refuses %j in keys and prefixes', (tenant) => {
    for (const run of [() => tenantKey(tenant, 'x'), () => tenantPrefix(tenant)]) {
      expect(refusal(run)).toMatchObject({
        code: 'invalid_object_key',
        status: 400,
        param: 'tenantId',
        message: `Invalid tenant id ${JSON.stringify(tenant)}.`,
      });
    }
  });

  it('quotes at most 80 characters of a bad tenant id', () => {
    const long = `A${'b'.repeat(200)}`;
    expect(refusal(() => tenantKey(long, 'x')).message).toBe(`Invalid tenant id ${JSON.stringify(long.slice(0, 80))}.`);
    expect(refusal(() => tenantPrefix(long)).message).toBe(`Invalid tenant id ${JSON.stringify(long.slice(0, 80))}.`);
  });
});

describe('key parts', () => {
  it('needs at least one part after the tenant', () => {
    expect(refusal(() => tenantKey('acme'))).toMatchObject({
      code: 'invalid_object_key',
      param: 'key',
      message: 'A tenant key needs at least one part after the tenant.',
    });
  });

  it.each([
    [['a'], 'tenants/acme/a'],
    [['results', 'job_1.wav'], 'tenants/acme/results/job_1.wav'],
    [['inputs/job_1/audio.mp3'], 'tenants/acme/inputs/job_1/audio.mp3'],
    [['a.b=c@d+e-f_g'], 'tenants/acme/a.b=c@d+e-f_g'],
    [['...'], 'tenants/acme/...'],
    [['..a', 'a..'], 'tenants/acme/..a/a..'],
    [['x'.repeat(255)], `tenants/acme/${'x'.repeat(255)}`],
  ])('joins %j under the tenant', (parts, key) => {
    expect(tenantKey('acme', ...parts)).toBe(key);
    expect(tenantOfKey(key)).toBe('acme');
  });

  it.each([
    ['.'],
    ['..'],
    ['a/..'],
    ['../b'],
    ['a/./b'],
    [''],
    ['a//b'],
    ['/a'],
    ['a/'],
    ['x'.repeat(256)],
    ['a b'],
    ['a%2e'],
    ['a#b'],
    ['a?b'],
    ['a:b'],
    ['a~b'],
    ['a*b'],
    ['a\\b'],
    ['a\u0000b'],
    ['a\nb'],
    ['é'],
    ['a\u202eb'],
  ])('refuses the part %j', (part) => {
    expect(refusal(() => tenantKey('acme', 'ok', part))).toMatchObject({
      code: 'invalid_object_key',
      status: 400,
      param: 'key',
      message: `Invalid object key part ${JSON.stringify(part.slice(0, 80))}.`,
    });
  });

  it('refuses a key over 1024 bytes even when each part is fine', () => {
    const parts = Array.from({ length: 5 }, () => 'x'.repeat(250));
    expect(refusal(() => tenantKey('acme', ...parts)).message).toMatch(/is longer than 1024 bytes\.$/);
    const fits = [...Array.from({ length: 4 }, () => 'x'.repeat(250)), 'x'.repeat(7)];
    expect(tenantKey('acme', ...fits)).toHaveLength(1024);
    expect(refusal(() => tenantKey('acme', ...fits, '')).message).toMatch(/Invalid object key part/);
    expect(refusal(() => tenantKey('acme', ...fits.slice(0, 4), 'x'.repeat(8))).message).toMatch(/is longer than 1024 bytes\.$/);
  });
});

describe('assertSafeKey', () => {
  it.each(['a', 'a/b', 'a/', 'drops/2024/a b.wav', '...', 'a/.../b', '~x', 'x'.repeat(1024), 'é'.repeat(512)])('accepts %j', (key) => {
    expect(assertSafeKey(key)).toBe(key);
  });

  it.each([
    ['', 'is empty'],
    ['x'.repeat(1025), 'is longer than 1024 bytes'],
    ['é'.repeat(513), 'is longer than 1024 bytes'],
    ['/a', 'starts with /'],
    ['a\u0000b', 'contains a control character or a backslash'],
    ['a\u001fb', 'contains a control character or a backslash'],
    ['a\u007fb', 'contains a control character or a backslash'],
    ['a\tb', 'contains a control character or a backslash'],
    ['a\\b', 'contains a control character or a backslash'],
    ['..', 'contains an empty, . or .. segment'],
    ['a/../b', 'contains an empty, . or .. segment'],
    ['a/..', 'contains an empty, . or .. segment'],
    ['.', 'contains an empty, . or .. segment'],
    ['./a', 'contains an empty, . or .. segment'],
    ['a//b', 'contains an empty, . or .. segment'],
    ['a//', 'contains an empty, . or .. segment'],
  ])('refuses %j: it %s', (key, problem) => {
    expect(refusal(() => assertSafeKey(key))).toMatchObject({
      code: 'invalid_object_key',
      status: 400,
      param: 'key',
      message: `Object key ${JSON.stringify(key.slice(0, 80))} ${problem}.`,
    });
  });

  it('names the param it is given', () => {
    expect(refusal(() => assertSafeKey('/a', 'input.key')).param).toBe('input.key');
  });
});

describe('tenantOfKey', () => {
  it.each([
    ['tenants/acme/x', 'acme'],
    ['tenants/acme/x/', 'acme'],
    ['tenants/a-b_c/results/job.wav', 'a-b_c'],
    ['tenants/acme', null],
    ['tenants/acme/', null],
    ['tenants/acme//x', null],
    ['tenants//x', null],
    ['tenants/ACME/x', null],
    ['tenants/-x/y', null],
    ['tenantsx/acme/x', null],
    ['other/acme/x', null],
    ['/tenants/acme/x', null],
    ['', null],
  ])('%j belongs to %j', (key, tenant) => {
    expect(tenantOfKey(key)).toBe(tenant);
  });
});

const tenantId = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,62}$/);
const segment = fc.stringMatching(/^[\w.=@+-]{1,40}$/).filter((s) => s !== '.' && s !== '..');
const part = fc.array(segment, { minLength: 1, maxLength: 3 }).map((segments) => segments.join('/'));

describe('tenant key properties', () => {
  it('puts every well-formed key under its tenant, and reads the tenant back', () => {
    fc.assert(
      fc.property(tenantId, fc.array(part, { minLength: 1, maxLength: 4 }), (tenant, parts) => {
        const key = tenantKey(tenant, ...parts);
        expect(key).toBe([TENANT_PREFIX, tenant, ...parts].join('/'));
        expect(key.startsWith(tenantPrefix(tenant))).toBe(true);
        expect(tenantOfKey(key)).toBe(tenant);
      }),
    );
  });

  it('never lets a part, whatever it holds, climb out of its tenant', () => {
    const anyPart = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: fc.constantFrom('.', '/', 'a', '\\', '%', ' ', '\u0000'), maxLength: 12 }));
    fc.assert(
      fc.property(tenantId, anyPart, anyPart, (tenant, first, second) => {
        let key: string;
        try {
          key = tenantKey(tenant, first, second);
        } catch (error) {
          expect(error).toMatchObject({ code: 'invalid_object_key' });
          return;
        }
        const segments = key.split('/');
        expect(segments.slice(0, 2)).toEqual([TENANT_PREFIX, tenant]);
        expect(segments.every((s) => s !== '' && s !== '.' && s !== '..' && /^[\w.=@+-]+$/.test(s))).toBe(true);
      }),
    );
  });

  it('accepts only keys with no way out of their place', () => {
    const anyKey = fc.string({ unit: fc.constantFrom('.', '/', 'a', '\\', '\n', ' ', 'é'), maxLength: 16 });
    fc.assert(
      fc.property(anyKey, (key) => {
        let safe = true;
        try {
          assertSafeKey(key);
        } catch {
          safe = false;
        }
        const segments = key.split('/');
        const expected =
          key.length > 0 &&
          !key.startsWith('/') &&
          !/[\\\n]/.test(key) &&
          segments.every((s, i) => s !== '.' && s !== '..' && (s !== '' || i === segments.length - 1));
        expect(safe).toBe(expected);
      }),
    );
  });
});
