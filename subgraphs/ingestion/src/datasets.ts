/** Listing data sets: validated paging arguments in, a connection out. */
import { keysetPage, toConnection, type KeysetArgs } from '@platform/runtime';
import type { IngestionStore } from './store';

export type DatasetsArgs = KeysetArgs;

export async function listDatasets(store: IngestionStore, args: DatasetsArgs) {
  const { rows, hasNextPage } = await store.datasetPage(keysetPage(args));
  return toConnection(rows, hasNextPage);
}
