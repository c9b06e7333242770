/** SQL for identity.api_keys: only a SHA-256 of each key is stored, never the key. */
import { z } from 'zod';
import type { Cursor, Pool, PoolClient } from '@platform/runtime';

export const ApiKeyRow = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(['viewer', 'analyst', 'admin']),
  prefix: z.string(),
  created_by: z.string(),
  created_at: z.date(),
  last_used_at: z.date().nullable(),
  revoked_at: z.date().nullable(),
});
export type ApiKeyRow = z.infer<typeof ApiKeyRow>;

const COLUMNS = 'id, name, role, prefix, created_by, created_at, last_used_at, revoked_at';

export function createApiKeyStore(pool: Pool) {
  return {
    async insert(
      db: PoolClient,
      key: {
        name: string;
        role: ApiKeyRow['role'];
        prefix: string;
        hash: string;
        createdBy: string;
      },
    ): Promise<ApiKeyRow> {
      const { rows } = await db.query(
        `INSERT INTO identity.api_keys (name, role, prefix, secret_hash, created_by)
         VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
        [key.name, key.role, key.prefix, key.hash, key.createdBy],
      );
      return ApiKeyRow.parse(rows[0]);
    },

    async revoke(db: PoolClient, id: string): Promise<ApiKeyRow | null> {
      const { rows } = await db.query(
        `UPDATE identity.api_keys SET revoked_at = coalesce(revoked_at, now())
          WHERE id = $1 RETURNING ${COLUMNS}`,
        [id],
      );
      return rows[0] ? ApiKeyRow.parse(rows[0]) : null;
    },

    /** The key with this prefix, its hash, and its creator's state, for authentication. */
    async forAuthentication(prefix: string) {
      const { rows } = await pool.query(
        `SELECT k.id, k.role, k.secret_hash, k.revoked_at, u.id AS user_id, u.tier, u.role AS user_role,
                u.disabled_at
           FROM identity.api_keys k JOIN identity.users u ON u.id = k.created_by
          WHERE k.prefix = $1`,
        [prefix],
      );
      return rows[0]
        ? z
            .object({
              id: z.string(),
              role: ApiKeyRow.shape.role,
              secret_hash: z.string(),
              revoked_at: z.date().nullable(),
              user_id: z.string(),
              tier: z.enum(['free', 'premium']),
              user_role: ApiKeyRow.shape.role,
              disabled_at: z.date().nullable(),
            })
            .parse(rows[0])
        : null;
    },

    /** Records a use, at most once a minute per key (no write on every request). */
    async touch(id: string): Promise<void> {
      await pool.query(
        `UPDATE identity.api_keys SET last_used_at = now()
          WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
        [id],
      );
    },

    async page(options: { limit: number; after?: Cursor | undefined; includeRevoked: boolean }) {
      const { rows } = await pool.query(
        `SELECT ${COLUMNS} FROM identity.api_keys
          WHERE ($1 OR revoked_at IS NULL)
            AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3::uuid))
          ORDER BY created_at DESC, id DESC
          LIMIT $4`,
        [
          options.includeRevoked,
          options.after?.createdAt ?? null,
          options.after?.id ?? null,
          options.limit + 1,
        ],
      );
      const parsed = rows.map((row) => ApiKeyRow.parse(row));
      return { rows: parsed.slice(0, options.limit), hasNextPage: parsed.length > options.limit };
    },
  };
}
export type ApiKeyStore = ReturnType<typeof createApiKeyStore>;
