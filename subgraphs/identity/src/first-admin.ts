/**
 * Local mode: the first admin. When no admin account exists, creates one with a random password,
 * records it in the audit trail (actor: the system), and returns the credentials so `npm start`
 * prints them, once. Safe to run at every start and from two processes at once (advisory lock).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { hashPassword, withTransaction, type Pool } from '@platform/runtime';
import { createAuditStore } from './audit-store';
import { normalizeEmail } from './sessions';
import { createUserStore } from './store';

export async function ensureFirstAdmin(
  pool: Pool,
  email = 'admin@localhost',
): Promise<{ email: string; password: string } | null> {
  const normalized = normalizeEmail(email);
  const password = randomBytes(18).toString('base64url');
  const passwordHash = await hashPassword(password);
  const users = createUserStore(pool);
  const audit = createAuditStore(pool);
  return withTransaction(pool, async (db) => {
    await db.query(`SELECT pg_advisory_xact_lock(hashtext('identity.first-admin'))`);
    const { rows } = await db.query(`SELECT 1 FROM identity.users WHERE role = 'admin' LIMIT 1`);
    if (rows.length > 0) return null;
    const admin = await users.insert(db, {
      email: normalized,
      passwordHash,
      role: 'admin',
      tier: 'premium',
    });
    if (!admin) throw new Error(`${normalized} exists but is not an admin; choose another email`);
    await audit.append(db, {
      actorId: null,
      action: 'user.create',
      targetType: 'user',
      targetId: admin.id,
      details: {
        email: normalized,
        role: 'admin',
        tier: 'premium',
        reason: 'first admin (local start)',
      },
      requestId: null,
    });
    return { email: normalized, password };
  });
}

// `node dist/first-admin.js`: prints `{"created":false}` or the new credentials as one JSON line.
if (require.main === module) {
  const pool = new pg.Pool({
    connectionString:
      process.env.DATABASE_URL ?? 'postgres://platform:platform@127.0.0.1:5432/platform',
    max: 1,
  });
  ensureFirstAdmin(pool, process.env.PLATFORM_ADMIN_EMAIL || undefined)
    .then((admin) => {
      process.stdout.write(
        `${JSON.stringify(admin ? { created: true, ...admin } : { created: false })}\n`,
      );
    })
    .catch((error: unknown) => {
      process.stderr.write(
        `first admin: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exitCode = 1;
    })
    .finally(() => void pool.end());
}
