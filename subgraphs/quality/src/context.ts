import DataLoader from 'dataloader';
import type { RequestBase } from '@platform/runtime';
import type { ProfileKey, ProfileRow, QualityStore } from './store';

/** Owners read their profiles; admins read every one. */
const mayRead = (row: ProfileRow, viewer: { userId: string; role: string }) =>
  viewer.role === 'admin' || row.owner_id === viewer.userId;

const keyOf = (datasetId: string, version: number) => `${datasetId}:${version}`;

export function createContext(base: RequestBase, store: QualityStore) {
  /** By data set id: its latest profile. */
  const latest = new DataLoader<string, ProfileRow | null>(async (datasetIds) => {
    const rows = await store.latestByDatasetIds(datasetIds);
    const byDataset = new Map(rows.map((row) => [row.dataset_id, row]));
    return datasetIds.map((id) => byDataset.get(id) ?? null);
  });
  /** By (data set id, version). */
  const exact = new DataLoader<ProfileKey, ProfileRow | null, string>(
    async (keys) => {
      const rows = await store.byKeys(keys);
      const byKey = new Map(rows.map((row) => [keyOf(row.dataset_id, row.version), row]));
      return keys.map((k) => byKey.get(keyOf(k.datasetId, k.version)) ?? null);
    },
    { cacheKeyFn: (k) => keyOf(k.datasetId, k.version) },
  );
  return {
    ...base,
    /**
     * A data set's profile: the given version, or the latest when `version` is undefined. Null
     * for a caller who is neither its owner nor an admin, as if there were none (the data set's
     * existence is not revealed).
     */
    profile: async (datasetId: string, version?: number): Promise<ProfileRow | null> => {
      const [row, viewer] = await Promise.all([
        version === undefined ? latest.load(datasetId) : exact.load({ datasetId, version }),
        base.principal(),
      ]);
      return row && mayRead(row, viewer) ? row : null;
    },
  };
}
export type Context = ReturnType<typeof createContext>;
