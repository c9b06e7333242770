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
});
export type UserRow = z.infer<typeof UserRow>;

export function createUserStore(pool: Pool) {
  return {
    async byIds(ids: readonly string[]): Promise<UserRow[]> {
      const { rows } = await pool.query(
        `SELECT id, email, role, tier, created_at, last_login_at
           FROM identity.users WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      return rows.map((row) => UserRow.parse(row));
    },
  };
}
export type UserStore = ReturnType<typeof createUserStore>;
