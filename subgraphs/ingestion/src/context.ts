import { loaderById, loaderByParent, type RequestBase } from '@platform/runtime';
import type { IngestionStore, JobRow } from './store';
import type { DatabaseImports } from './database-imports';
import type { DeleteDataset } from './deletion';
import type { Uploads } from './uploads';

export interface IngestionDeps {
  store: IngestionStore;
  uploads: Uploads;
  imports: DatabaseImports;
  deleteDataset: DeleteDataset;
}

export function createContext(base: RequestBase, deps: IngestionDeps) {
  const { store } = deps;
  return {
    ...base,
    ...deps,
    datasets: loaderById((ids) => store.datasetsByIds(ids)),
    jobs: loaderById((ids) => store.jobsByIds(ids)),
    jobsOfDataset: loaderByParent<JobRow>(
      (job) => job.dataset_id ?? '',
      (ids) => store.jobsByDatasetIds(ids),
    ),
  };
}
export type Context = ReturnType<typeof createContext>;
