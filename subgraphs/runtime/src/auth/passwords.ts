/**
 * Password hashes with scrypt (Node's crypto, OpenSSL underneath): a random 16-byte salt per hash,
 * parameters stored in the hash so they can be raised later, constant-time comparison. Format:
 * `scrypt$<log2 N>$<r>$<p>$<salt b64url>$<hash b64url>`.
 */
import {
  randomBytes,
  scrypt as scryptCallback,
  timingSafeEqual,
  type ScryptOptions,
} from 'node:crypto';

const scrypt = (password: string, salt: Buffer, length: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCallback(password, salt, length, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );

/**
 * OWASP's minimum for scrypt is N=2^17, r=8, p=1 or an equivalent cost; this is the listed
 * equivalent N=2^16, r=8, p=2 (64 MiB a hash instead of 128).
 */
export const SCRYPT = { log2N: 16, r: 8, p: 2, keyLength: 32 } as const;
const MAX_MEMORY = 256 * 1024 * 1024;
/** Longer passwords are refused before hashing: hashing cost must not be the attacker's choice. */
export const MAX_PASSWORD_LENGTH = 256;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, SCRYPT.keyLength, {
    N: 2 ** SCRYPT.log2N,
    r: SCRYPT.r,
    p: SCRYPT.p,
    maxmem: MAX_MEMORY,
  });
  return [
    'scrypt',
    SCRYPT.log2N,
    SCRYPT.r,
    SCRYPT.p,
    salt.toString('base64url'),
    hash.toString('base64url'),
  ].join('$');
}

/** True when `password` matches `stored`; false for a wrong password or a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [log2N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (
    ![log2N, r, p].every(Number.isInteger) ||
    log2N < 10 ||
    log2N > 20 ||
    r < 1 ||
    r > 32 ||
    p < 1 ||
    p > 16
  ) {
    return false;
  }
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (salt.length < 16 || expected.length < 16) return false;
  const actual = await scrypt(password, salt, expected.length, {
    N: 2 ** log2N,
    r,
    p,
    maxmem: MAX_MEMORY,
  });
  return timingSafeEqual(actual, expected);
}

/** A hash to compare against when the account does not exist, so both cases take the same time. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  return decoy;
}
