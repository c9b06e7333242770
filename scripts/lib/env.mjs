// @ts-check
/**
 * Reads infra/env.sh (the one place the local defaults live) into an object, so the Node scripts
 * and the shell scripts agree on every port, path and credential. Values already in the
 * environment win, exactly as in the shell.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');

/** @returns {Record<string, string>} */
export function stackEnv(extra = {}) {
  const out = execFileSync('bash', ['-c', `set -a; . "${join(ROOT, 'infra', 'env.sh')}"; env -0`], {
    env: { ...process.env, ...extra },
    encoding: 'utf8',
  });
  /** @type {Record<string, string>} */
  const env = {};
  for (const entry of out.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}
