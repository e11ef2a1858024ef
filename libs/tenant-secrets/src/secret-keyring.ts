import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** AES-256-GCM: 32-byte keys, 12-byte nonces (random per value), 16-byte tags. */
export const SECRET_KEY_BYTES = 32;
const NONCE_BYTES = 12;
const FORMAT = 'v1';

/**
 * A key's id: a short fingerprint stored with each ciphertext, so a value finds the key
 * that sealed it after a rotation. Derived from the key, so there is no id to configure;
 * 64 bits of a hash say nothing useful about a 256-bit key.
 */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('voxq-secret-key-id:').update(key).digest('hex').slice(0, 16);
}

export class SecretDecryptionError extends Error {
  constructor(reason: string) {
    super(`cannot decrypt the secret: ${reason}`);
    this.name = 'SecretDecryptionError';
  }
}

/**
 * Seals and opens secret values: the current key seals, it and every older key open. A
 * sealed value is `v1.<keyId>.<nonce>.<tag>.<ciphertext>` (base64url parts). `context`
 * (tenant and name) is authenticated with it, so a value copied to another tenant's or
 * another name's entry in Redis fails to open instead of being used there.
 */
export class SecretKeyring {
  private readonly keys: Map<string, Buffer>;
  readonly currentKeyId: string;

  constructor(current: Buffer, older: readonly Buffer[] = []) {
    for (const key of [current, ...older]) {
      if (key.length !== SECRET_KEY_BYTES) throw new Error(`a secrets key must be ${SECRET_KEY_BYTES} bytes (got ${key.length})`);
    }
    this.currentKeyId = keyIdOf(current);
    this.keys = new Map([...older, current].map((key) => [keyIdOf(key), key]));
  }

  seal(value: string, context: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentKeyId)!, nonce);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const sealed = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return [FORMAT, this.currentKeyId, nonce, cipher.getAuthTag(), sealed]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** The value, or a `SecretDecryptionError` (unknown key, altered value, wrong context); never the value in a message. */
  open(sealed: string, context: string): string {
    const [format, keyId, nonce, tag, data, ...rest] = sealed.split('.');
    if (format !== FORMAT || keyId === undefined || nonce === undefined || tag === undefined || data === undefined || rest.length > 0) {
      throw new SecretDecryptionError('not a sealed value');
    }
    const key = this.keys.get(keyId);
    if (!key) throw new SecretDecryptionError(`it was sealed with key ${keyId}, which is not configured (SECRETS_ENCRYPTION_OLD_KEYS)`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretDecryptionError('it was altered or belongs elsewhere');
    }
  }

  /** True when `sealed` was sealed with an older key (a rewrite would move it to the current one). */
  isStale(sealed: string): boolean {
    return sealed.split('.')[1] !== this.currentKeyId;
  }
}
