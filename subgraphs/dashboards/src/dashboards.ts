/** Listing dashboards: validated paging arguments in, a connection out. */
import { keysetPage, toConnection, type KeysetArgs } from '@platform/runtime';
import type { DashboardStore } from './store';

export type DashboardsArgs = KeysetArgs;

export async function listDashboards(store: DashboardStore, args: DashboardsArgs) {
  const { rows, hasNextPage } = await store.dashboardPage(keysetPage(args));
  return toConnection(rows, hasNextPage);
}
