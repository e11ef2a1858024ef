import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyIdOf, SecretDecryptionError, SecretKeyring } from './secret-keyring';

const context = 'tenant-a\nstripe_key';

describe('SecretKeyring', () => {
  it('opens what it sealed, and the sealed text holds neither the value nor the key', () => {
    const key = randomBytes(32);
    const keyring = new SecretKeyring(key);
    const sealed = keyring.seal('sk_live_very_secret', context);
    expect(keyring.open(sealed, context)).toBe('sk_live_very_secret');
    expect(sealed).not.toContain('sk_live');
    expect(sealed).not.toContain(key.toString('base64url'));
    expect(sealed.split('.').slice(0, 2)).toEqual(['v1', keyIdOf(key)]);
  });

  it('seals the same value differently each time (a fresh nonce)', () => {
    const keyring = new SecretKeyring(randomBytes(32));
    expect(keyring.seal('same', context)).not.toBe(keyring.seal('same', context));
  });

  it('opens values sealed with an older key after a rotation, and seals with the new one', () => {
    const oldKey = randomBytes(32);
    const old = new SecretKeyring(oldKey);
    const sealedBefore = old.seal('v-one', context);
    const rotated = new SecretKeyring(randomBytes(32), [oldKey]);
    expect(rotated.open(sealedBefore, context)).toBe('v-one');
    expect(rotated.isStale(sealedBefore)).toBe(true);
    const sealedAfter = rotated.seal('v-two', context);
    expect(rotated.isStale(sealedAfter)).toBe(false);
    expect(() => old.open(sealedAfter, context)).toThrow(/not configured/);
  });

  const keyring = new SecretKeyring(randomBytes(32));
  const sealed = keyring.seal('the value', context);
  const parts = sealed.split('.');
  const flip = (part: string) => {
    const bytes = Buffer.from(part, 'base64url');
    bytes[0] = bytes[0]! ^ 1;
    return bytes.toString('base64url');
  };
  it.each([
    ['an altered ciphertext', [...parts.slice(0, 4), flip(parts[4]!)].join('.'), context],
    ['an altered tag', [...parts.slice(0, 3), flip(parts[3]!), parts[4]].join('.'), context],
    ['an altered nonce', [...parts.slice(0, 2), flip(parts[2]!), ...parts.slice(3)].join('.'), context],
    ["another tenant's entry", sealed, 'tenant-b\nstripe_key'],
    ["another name's entry", sealed, 'tenant-a\nother_key'],
    ['an unknown format', `v0.${parts.slice(1).join('.')}`, context],
    ['not a sealed value at all', 'plain text', context],
  ])('refuses %s without naming the value', (_, text, ctx) => {
    let thrown: unknown;
    try {
      keyring.open(text, ctx);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SecretDecryptionError);
    expect((thrown as Error).message).not.toContain('the value');
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => new SecretKeyring(randomBytes(16))).toThrow(/32 bytes/);
    expect(() => new SecretKeyring(randomBytes(32), [randomBytes(31)])).toThrow(/32 bytes/);
  });
});
