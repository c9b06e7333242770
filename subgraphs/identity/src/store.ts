/** SQL for identity.users; rows are parsed with zod on the way out. */
import { z } from 'zod';
import type { Pool } from '@platform/runtime';

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
  };
}
export type UserStore = ReturnType<typeof createUserStore>;
