/**
 * The audit trail (identity.audit_events): appended in the same transaction as the change it
 * records, read newest first with filters. The table refuses UPDATE, DELETE and TRUNCATE.
 */
import { z } from 'zod';
import type { Cursor, Pool, PoolClient } from '@platform/runtime';

export const AuditRow = z.object({
  id: z.string(),
  created_at: z.date(),
  actor_id: z.string().nullable(),
  action: z.string(),
  target_type: z.string(),
  target_id: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  request_id: z.string().nullable(),
});
export type AuditRow = z.infer<typeof AuditRow>;

export interface AuditEntry {
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  details: Record<string, unknown>;
  requestId: string | null;
}

export interface AuditFilter {
  actorId?: string | undefined;
  action?: string | undefined;
  targetId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

const COLUMNS = 'id, created_at, actor_id, action, target_type, target_id, details, request_id';

export function createAuditStore(pool: Pool) {
  return {
    async append(db: Pool | PoolClient, entry: AuditEntry): Promise<AuditRow> {
      const { rows } = await db.query(
        `INSERT INTO identity.audit_events (actor_id, action, target_type, target_id, details, request_id)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
        [
          entry.actorId,
          entry.action,
          entry.targetType,
          entry.targetId,
          JSON.stringify(entry.details),
          entry.requestId,
        ],
      );
      return AuditRow.parse(rows[0]);
    },

    async page(options: { limit: number; after?: Cursor | undefined; filter: AuditFilter }) {
      const f = options.filter;
      const { rows } = await pool.query(
        `SELECT ${COLUMNS} FROM identity.audit_events
          WHERE ($1::uuid IS NULL OR actor_id = $1)
            AND ($2::text IS NULL OR action = $2)
            AND ($3::text IS NULL OR target_id = $3)
            AND ($4::timestamptz IS NULL OR created_at >= $4)
            AND ($5::timestamptz IS NULL OR created_at < $5)
            AND ($6::timestamptz IS NULL OR (created_at, id) < ($6, $7::uuid))
          ORDER BY created_at DESC, id DESC
          LIMIT $8`,
        [
          f.actorId ?? null,
          f.action ?? null,
          f.targetId ?? null,
          f.from ?? null,
          f.to ?? null,
          options.after?.createdAt ?? null,
          options.after?.id ?? null,
          options.limit + 1,
        ],
      );
      const parsed = rows.map((row) => AuditRow.parse(row));
      return { rows: parsed.slice(0, options.limit), hasNextPage: parsed.length > options.limit };
    },
  };
}
export type AuditStore = ReturnType<typeof createAuditStore>;
