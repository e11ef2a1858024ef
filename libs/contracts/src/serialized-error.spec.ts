import { describe, expect, it } from 'vitest';
import { serializedErrorSchema } from './job.schema';

describe('serializedErrorSchema', () => {
  const stored = { type: 'provider_error', code: 'all_providers_failed', message: 'm', retryable: true };

  it('reads the codes of the error list as they are', () => {
    expect(serializedErrorSchema.parse(stored)).toEqual(stored);
  });

  it('reads a code it does not know (a newer version wrote it) as internal_error, keeping the rest', () => {
    expect(serializedErrorSchema.parse({ ...stored, code: 'added_later' })).toEqual({ ...stored, code: 'internal_error' });
  });
});
