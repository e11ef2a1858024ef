import { describe, expect, it } from 'vitest';
import { toStorageError } from './s3-errors';
import { assertSafeKey, tenantKey, tenantOfKey, tenantPrefix } from './tenant-key';

describe('tenantKey', () => {
  it('puts everything under tenants/<tenantId>/', () => {
    expect(tenantKey('acme', 'results', 'job_1.wav')).toBe('tenants/acme/results/job_1.wav');
    expect(tenantKey('acme', 'inputs/job_1')).toBe('tenants/acme/inputs/job_1');
    expect(tenantPrefix('acme')).toBe('tenants/acme/');
  });

  it.each([
    ['..', 'x'],
    ['results', '..'],
    ['results/../../other'],
    ['/abs'],
    ['a//b'],
    ['.'],
    ['with space'],
    ['tab\there'],
    ['nul\u0000'],
    ['back\\slash'],
    [''],
    ['é'],
  ])('refuses path tricks in parts: %j', (...parts: string[]) => {
    expect(() => tenantKey('acme', ...parts)).toThrow(expect.objectContaining({ code: 'invalid_object_key', status: 400 }));
  });

  it('refuses bad tenant ids and missing parts', () => {
    for (const tenant of ['', '..', 'a/b', 'UPPER', '-x']) expect(() => tenantKey(tenant, 'x')).toThrow(/tenant/);
    expect(() => tenantKey('acme')).toThrow();
  });

  it('knows the tenant of a key', () => {
    expect(tenantOfKey('tenants/acme/results/x')).toBe('acme');
    expect(tenantOfKey('tenants/acme/')).toBeNull();
    expect(tenantOfKey('other/acme/x')).toBeNull();
  });
});

describe('assertSafeKey', () => {
  it('accepts ordinary keys and refuses tricks', () => {
    expect(assertSafeKey('drops/2024/a b.wav')).toBe('drops/2024/a b.wav');
    for (const key of ['', '/x', 'a/../b', './a', 'a//b', 'a\nb', 'a\\b', 'x'.repeat(1025)]) {
      expect(() => assertSafeKey(key)).toThrow(expect.objectContaining({ code: 'invalid_object_key' }));
    }
  });
});

describe('toStorageError', () => {
  const s3Error = (name: string, status?: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

  it('maps S3 failures to the AppError taxonomy', () => {
    expect(toStorageError(s3Error('NoSuchKey', 404), 'k')).toMatchObject({ code: 'object_not_found', status: 404, retryable: false });
    expect(toStorageError(s3Error('NotFound', 404), 'k', 'result')).toMatchObject({ code: 'result_not_found' });
    expect(toStorageError(s3Error('AccessDenied', 403), 'k')).toMatchObject({ code: 'storage_misconfigured', retryable: false });
    expect(toStorageError(s3Error('NoSuchBucket', 404), 'k')).toMatchObject({ code: 'storage_misconfigured' });
    expect(toStorageError(s3Error('SlowDown', 503), 'k')).toMatchObject({ code: 'storage_unavailable', retryable: true, status: 503 });
    expect(toStorageError(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }), 'k')).toMatchObject({ code: 'storage_unavailable', retryable: true });
    expect(toStorageError(s3Error('InvalidArgument', 400), 'k')).toMatchObject({ code: 'storage_error', retryable: false });
  });
});
