/** Listing dashboards: validates paging input and shapes the connection. */
import { badInput, decodeCursor, encodeCursor, isUuid, pageSize } from '@platform/runtime';
import type { DashboardStore } from './store';

export interface DashboardsArgs {
  first?: number | null;
  after?: string | null;
  ownerId?: string | null;
}

export async function listDashboards(store: DashboardStore, args: DashboardsArgs) {
  const limit = pageSize(args.first);
  if (args.ownerId != null && !isUuid(args.ownerId)) throw badInput('`ownerId` must be a UUID.');
  const { rows, hasNextPage } = await store.dashboardPage({
    limit,
    after: args.after ? decodeCursor(args.after) : undefined,
    ownerId: args.ownerId ?? undefined,
  });
  const edges = rows.map((row) => ({
    cursor: encodeCursor({ createdAt: row.created_at, id: row.id }),
    node: row,
  }));
  return { edges, pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
}
