/**
 * The key that encrypts source database passwords at rest (AES-256-GCM, node:crypto), and sealing
 * and opening with it. Each password is sealed with a fresh 96-bit IV and bound to its job id
 * (additional authenticated data), so a ciphertext copied onto another job does not open.
 *
 * The key comes from IMPORT_CREDENTIALS_KEY; production requires it. Locally, when it is unset,
 * one is generated on first start into `<PLATFORM_DATA_DIR>/keys/import-credentials.key` (mode
 * 0600) and reused afterwards, as the signing keys are (runtime/src/auth/keys.ts).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const KEY_BYTES = 32;
const IV_BYTES = 12;

export interface Sealed {
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
}

export function loadCredentialsKey(config: {
  NODE_ENV: string;
  IMPORT_CREDENTIALS_KEY?: Buffer | undefined;
  PLATFORM_DATA_DIR: string;
}): Buffer {
  if (config.IMPORT_CREDENTIALS_KEY) return config.IMPORT_CREDENTIALS_KEY;
  if (config.NODE_ENV === 'production') {
    throw new Error(
      'IMPORT_CREDENTIALS_KEY is required in production (32 random bytes in base64, e.g. `openssl rand -base64 32`).',
    );
  }
  return localCredentialsKey(join(config.PLATFORM_DATA_DIR, 'keys'));
}

/** Reads `<dir>/import-credentials.key`, creating it (0600) the first time. */
export function localCredentialsKey(dir: string): Buffer {
  const file = join(dir, 'import-credentials.key');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Written whole under a temporary name, then linked into place: another instance starting at
  // the same moment either wins the link or reads the complete winner, never a half-written file.
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(draft, randomBytes(KEY_BYTES).toString('base64'), { mode: 0o600, flag: 'wx' });
  try {
    linkSync(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(draft, { force: true });
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== KEY_BYTES) throw new Error(`${file} does not hold a 32-byte base64 key`);
  return key;
}

export function seal(key: Buffer, plaintext: string, boundTo: string): Sealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(boundTo, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { ciphertext, iv, tag: cipher.getAuthTag() };
}

/** The plaintext; throws when the key, the binding or any byte differs. */
export function open(key: Buffer, sealed: Sealed, boundTo: string): string {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv);
  decipher.setAAD(Buffer.from(boundTo, 'utf8'));
  decipher.setAuthTag(sealed.tag);
  return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
}
