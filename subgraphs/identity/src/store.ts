/** SQL for identity.users; rows are parsed with zod on the way out. */
import { z } from 'zod';
import type { Cursor, Pool, PoolClient } from '@platform/runtime';

export const UserRow = z.object({
  id: z.string(),
  email: z.string(),
  role: z.enum(['viewer', 'analyst', 'admin']),
  tier: z.enum(['free', 'premium']),
  created_at: z.date(),
  last_login_at: z.date().nullable(),
  disabled_at: z.date().nullable(),
});
export type UserRow = z.infer<typeof UserRow>;

const CredentialsRow = UserRow.extend({ password_hash: z.string().nullable() });
export type CredentialsRow = z.infer<typeof CredentialsRow>;

const COLUMNS = 'id, email, role, tier, created_at, last_login_at, disabled_at';

type Queryable = Pool | PoolClient;

export function createUserStore(pool: Pool) {
  return {
    async byIds(ids: readonly string[]): Promise<UserRow[]> {
      const { rows } = await pool.query(
        `SELECT ${COLUMNS} FROM identity.users WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      return rows.map((row) => UserRow.parse(row));
    },

    async credentialsByEmail(email: string): Promise<CredentialsRow | null> {
      const { rows } = await pool.query(
        `SELECT ${COLUMNS}, password_hash FROM identity.users WHERE email = $1`,
        [email],
      );
      return rows[0] ? CredentialsRow.parse(rows[0]) : null;
    },

    async recordLogin(id: string): Promise<UserRow> {
      const { rows } = await pool.query(
        `UPDATE identity.users SET last_login_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
        [id],
      );
      return UserRow.parse(rows[0]);
    },

    /** One page, newest first; one extra row tells whether another page follows. */
    async page(options: { limit: number; after?: Cursor | undefined }) {
      const { rows } = await pool.query(
        `SELECT ${COLUMNS} FROM identity.users
          WHERE ($1::timestamptz IS NULL OR (created_at, id) < ($1, $2::uuid))
          ORDER BY created_at DESC, id DESC
          LIMIT $3`,
        [options.after?.createdAt ?? null, options.after?.id ?? null, options.limit + 1],
      );
      const parsed = rows.map((row) => UserRow.parse(row));
      return { rows: parsed.slice(0, options.limit), hasNextPage: parsed.length > options.limit };
    },

    /** Inserts a user; null when the email is taken. */
    async insert(
      db: Queryable,
      user: { email: string; passwordHash: string; role: UserRow['role']; tier: UserRow['tier'] },
    ): Promise<UserRow | null> {
      const { rows } = await db.query(
        `INSERT INTO identity.users (email, password_hash, role, tier) VALUES ($1, $2, $3, $4)
         ON CONFLICT (email) DO NOTHING RETURNING ${COLUMNS}`,
        [user.email, user.passwordHash, user.role, user.tier],
      );
      return rows[0] ? UserRow.parse(rows[0]) : null;
    },

    /** The row, locked for the rest of the transaction. */
    async lock(db: PoolClient, id: string): Promise<UserRow | null> {
      const { rows } = await db.query(
        `SELECT ${COLUMNS} FROM identity.users WHERE id = $1 FOR UPDATE`,
        [id],
      );
      return rows[0] ? UserRow.parse(rows[0]) : null;
    },

    async update(
      db: PoolClient,
      id: string,
      changes: { role: UserRow['role']; tier: UserRow['tier']; disabled: boolean },
    ): Promise<UserRow> {
      const { rows } = await db.query(
        `UPDATE identity.users SET role = $2, tier = $3,
            disabled_at = CASE WHEN $4 THEN coalesce(disabled_at, now()) ELSE NULL END
          WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, changes.role, changes.tier, changes.disabled],
      );
      return UserRow.parse(rows[0]);
    },

    async countActiveAdmins(db: Queryable): Promise<number> {
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM identity.users WHERE role = 'admin' AND disabled_at IS NULL`,
      );
      return (rows[0] as { n: number }).n;
    },
  };
}
export type UserStore = ReturnType<typeof createUserStore>;
