// @ts-check
/**
 * Users for a benchmark: analysts (premium tier) inserted straight into identity.users, like
 * bench.mjs's own user, each signed in through the gateway's /auth/session as the app does, and
 * deleted at the end.
 */
import { randomUUID } from 'node:crypto';
import { inParallel, loopback } from './upload-client.mjs';

/** @typedef {{ id: string, authorization: string }} BenchUser */

/** Signs in and returns the Authorization header value. @param {string} gatewayUrl @param {string} email @param {string} password */
async function signIn(gatewayUrl, email, password) {
  const response = await fetch(loopback(`${gatewayUrl}/auth/session`), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
    signal: AbortSignal.timeout(30_000),
  });
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  if (!response.ok || !cookie.includes('=')) {
    throw new Error(`sign-in of ${email} answered ${response.status}: ${await response.text()}`);
  }
  return `Bearer ${cookie.slice(cookie.indexOf('=') + 1)}`;
}

/**
 * Inserts `count` analysts (one password hash for all) and signs each in, 4 at a time. Their ids
 * go into `ids` as soon as they exist, so the caller can delete them even if a sign-in fails.
 * @param {{ pool: import('pg').Pool, hashPassword: (password: string) => Promise<string>, gatewayUrl: string }} deps
 * @param {number} count
 * @param {string[]} ids
 * @returns {Promise<BenchUser[]>}
 */
export async function createUsers({ pool, hashPassword, gatewayUrl }, count, ids) {
  const password = randomUUID();
  const fresh = Array.from({ length: count }, () => randomUUID());
  ids.push(...fresh);
  await pool.query(
    `INSERT INTO identity.users (id, email, role, tier, password_hash)
     SELECT id, 'bench-' || id || '@example.com', 'analyst', 'premium', $2
     FROM unnest($1::uuid[]) AS id`,
    [fresh, await hashPassword(password)],
  );
  return inParallel(fresh, 4, async (id) => ({
    id,
    authorization: await signIn(gatewayUrl, `bench-${id}@example.com`, password),
  }));
}

/** @param {import('pg').Pool} pool @param {string[]} ids */
export async function deleteUsers(pool, ids) {
  await pool.query('DELETE FROM identity.users WHERE id = ANY($1::uuid[])', [ids]);
}
