import type DataLoader from 'dataloader';
import { loaderByParent, type RequestBase } from '@platform/runtime';
import type { InsightRow, InsightStore } from './store';

export function createContext(base: RequestBase, store: InsightStore) {
  // One loader per page size, so aliases asking different `first`s still batch per size.
  const recent = new Map<number, DataLoader<string, InsightRow[]>>();
  return {
    ...base,
    insightsOf: (limit: number) => {
      let loader = recent.get(limit);
      if (!loader) {
        loader = loaderByParent<InsightRow>(
          (row) => row.dataset_id,
          (ids) => store.recentByDatasetIds(ids, limit),
        );
        recent.set(limit, loader);
      }
      return loader;
    },
  };
}
export type Context = ReturnType<typeof createContext>;
