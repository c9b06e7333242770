import type DataLoader from 'dataloader';
import { loaderById, loaderByParent, type RequestBase } from '@platform/runtime';
import type { Answers } from './answers';
import type { QueryRow, QueryStore } from './store';

export function createContext(base: RequestBase, deps: { store: QueryStore; answers: Answers }) {
  const { store } = deps;
  // One loader per page size, so aliases asking different `first`s still batch per size.
  const recent = new Map<number, DataLoader<string, QueryRow[]>>();
  return {
    ...base,
    store,
    answers: deps.answers,
    queries: loaderById((ids) => store.byIds(ids)),
    recentQueriesOf: (limit: number) => {
      let loader = recent.get(limit);
      if (!loader) {
        loader = loaderByParent<QueryRow>(
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
