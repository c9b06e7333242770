import { loaderById, loaderByParent, type RequestBase } from '@platform/runtime';
import type { IngestionStore, JobRow } from './store';

export function createContext(base: RequestBase, store: IngestionStore) {
  return {
    ...base,
    store,
    datasets: loaderById((ids) => store.datasetsByIds(ids)),
    jobs: loaderById((ids) => store.jobsByIds(ids)),
    jobsOfDataset: loaderByParent<JobRow>(
      (job) => job.dataset_id ?? '',
      (ids) => store.jobsByDatasetIds(ids),
    ),
  };
}
export type Context = ReturnType<typeof createContext>;
