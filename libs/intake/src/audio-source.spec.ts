import { describe, expect, it } from 'vitest';
import { isAppError } from '@voxq/errors';
import { assertS3Allowed, defaultS3AllowList, parseS3Url } from './audio-source';

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (isAppError(error)) return { status: error.status, param: error.param, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('parseS3Url', () => {
  it('splits bucket and key', () => {
    expect(parseS3Url('s3://voxq/tenants/acme/calls/a.wav')).toEqual({ bucket: 'voxq', key: 'tenants/acme/calls/a.wav' });
  });

  it.each([
    ['a dot-dot segment', 's3://voxq/tenants/acme/../globex/a.wav'],
    ['a trailing dot-dot', 's3://voxq/tenants/acme/..'],
    ['a dot segment', 's3://voxq/tenants/./acme/a.wav'],
    ['percent-encoded dots', 's3://voxq/tenants/acme/%2e%2e/globex/a.wav'],
    ['upper-case percent-encoding', 's3://voxq/tenants/acme/%2E%2E/globex/a.wav'],
    ['an encoded slash', 's3://voxq/tenants/acme%2f..%2fglobex/a.wav'],
    ['a backslash', 's3://voxq/tenants/acme\\..\\globex/a.wav'],
    ['an absolute key', 's3://voxq//etc/passwd'],
    ['an empty segment', 's3://voxq/tenants//acme/a.wav'],
    ['a trailing slash (a prefix, not an object)', 's3://voxq/tenants/acme/'],
    ['no key', 's3://voxq'],
    ['a control character', 's3://voxq/tenants/acme/a\n.wav'],
    ['a bad bucket name', 's3://Vox_Q/tenants/acme/a.wav'],
    ['dots in the bucket', 's3://../tenants/acme/a.wav'],
  ])('refuses %s with a 400 naming input.audio.url', (_name, url) => {
    expect(refusal(() => parseS3Url(url))).toMatchObject({ status: 400, param: 'input.audio.url' });
  });
});

describe('assertS3Allowed', () => {
  const own = defaultS3AllowList('voxq');

  it("allows the tenant's own prefix in voxq's bucket", () => {
    expect(() => assertS3Allowed({ bucket: 'voxq', key: 'tenants/acme/uploads/x' }, 'acme', own)).not.toThrow();
  });

  it.each([
    ["another tenant's prefix", { bucket: 'voxq', key: 'tenants/globex/uploads/x' }],
    ['a tenant whose id starts like ours', { bucket: 'voxq', key: 'tenants/acme-evil/uploads/x' }],
    ['outside tenants/', { bucket: 'voxq', key: 'results/x' }],
    ['another bucket', { bucket: 'other', key: 'tenants/acme/uploads/x' }],
  ])('refuses %s', (_name, ref) => {
    expect(refusal(() => assertS3Allowed(ref, 'acme', own))).toMatchObject({
      status: 400,
      param: 'input.audio.url',
      message: expect.stringMatching(/outside what this tenant may read/),
    });
  });

  it('allows what an allow-list entry adds, with {tenantId} standing for the tenant', () => {
    const list = [...own, { bucket: 'call-recordings', prefix: 'exports/{tenantId}/' }];
    expect(() => assertS3Allowed({ bucket: 'call-recordings', key: 'exports/acme/2024/a.wav' }, 'acme', list)).not.toThrow();
    expect(() => assertS3Allowed({ bucket: 'call-recordings', key: 'exports/globex/2024/a.wav' }, 'acme', list)).toThrow();
  });
});
