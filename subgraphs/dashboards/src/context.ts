import { loaderById, loaderByParent, type RequestBase } from '@platform/runtime';
import type { DashboardStore, VisualizationRow } from './store';

export function createContext(base: RequestBase, store: DashboardStore) {
  return {
    ...base,
    store,
    dashboards: loaderById((ids) => store.dashboardsByIds(ids)),
    visualizationsOf: loaderByParent<VisualizationRow>(
      (viz) => viz.dashboard_id,
      (ids) => store.visualizationsByDashboardIds(ids),
    ),
  };
}
export type Context = ReturnType<typeof createContext>;
