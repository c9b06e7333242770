/**
 * API keys for service-to-service calls: `aap_<8-char prefix>_<43-char secret>` (256 random bits).
 * Only a SHA-256 of the whole key is stored: the key has full entropy, so a slow password hash would
 * add nothing but latency. The prefix is stored in clear so people can tell their keys apart, and
 * lets identity find the row before comparing hashes in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** identity's internal route that exchanges an API key for a short-lived access token. */
export const API_KEY_TOKEN_PATH = '/internal/api-key-token';

const FORMAT = /^aap_([A-Za-z0-9]{8})_([A-Za-z0-9_-]{43})$/;

export interface NewApiKey {
  secret: string;
  prefix: string;
  hash: string;
}

export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function generateApiKey(): NewApiKey {
  const prefix = randomBytes(12)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 8)
    .padEnd(8, '0');
  const secret = `aap_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { secret, prefix, hash: hashApiKey(secret) };
}

/** The prefix of a well-formed key, or null for anything else (no lookup for garbage). */
export function apiKeyPrefix(secret: string): string | null {
  return FORMAT.exec(secret)?.[1] ?? null;
}

export function apiKeyMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashApiKey(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
