import { loaderById, loaderByParent, type RequestBase } from '@platform/runtime';
import type { MlStore, ModelRow } from './store';

export function createContext(base: RequestBase, store: MlStore) {
  return {
    ...base,
    models: loaderById((ids) => store.modelsByIds(ids)),
    modelsOfDataset: loaderByParent<ModelRow>(
      (model) => model.dataset_id,
      (ids) => store.modelsByDatasetIds(ids),
    ),
  };
}
export type Context = ReturnType<typeof createContext>;
