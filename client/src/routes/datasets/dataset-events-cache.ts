/**
 * What a `datasetEvents` message changes in the cache beyond the data set itself (which Apollo
 * writes to the normalized `Dataset` from the event's selection):
 *
 * - CREATED puts the new data set on top of the cached lists it belongs in (newest first);
 * - DELETED removes it from every list and evicts it.
 *
 * Status changes need nothing here: every list points at the one normalized entity.
 */
import type { ApolloCache, Reference, StoreObject } from '@apollo/client';
import type { DatasetEventKind } from '../../schema-types';
import { listOwnerId, withEdgeFirst, withoutEdge } from './dataset-list-edits';

/** The part of an event this needs (the subscription asks for more). */
export interface DatasetEventLike {
  kind: DatasetEventKind;
  datasetId: string;
  dataset: { id: string; owner: { id: string } } | null;
}

/** A cached page of `datasets` as relayStylePagination stores it: edges hold references. */
interface StoredConnection {
  edges: ReadonlyArray<StoreObject & { node?: Reference }>;
}

const isStoredConnection = (value: unknown): value is StoredConnection =>
  typeof value === 'object' && value !== null && Array.isArray((value as StoredConnection).edges);

export function applyDatasetEvent(cache: ApolloCache, event: DatasetEventLike): void {
  const { kind, datasetId, dataset } = event;
  if (kind === 'DELETED') {
    cache.modify({
      fields: {
        datasets: (existing: unknown, { readField }) =>
          isStoredConnection(existing)
            ? {
                ...existing,
                edges: withoutEdge(existing.edges, datasetId, (edge) =>
                  readField<string>('id', edge.node),
                ),
              }
            : existing,
      },
    });
    const id = cache.identify({ __typename: 'Dataset', id: datasetId });
    if (id) cache.evict({ id });
    cache.gc();
    return;
  }
  if (kind === 'CREATED' && dataset) {
    cache.modify({
      fields: {
        datasets: (existing: unknown, { readField, toReference, storeFieldName }) => {
          const owner = listOwnerId(storeFieldName);
          const node = toReference({ __typename: 'Dataset', id: dataset.id });
          if (!isStoredConnection(existing) || !node || (owner && owner !== dataset.owner.id)) {
            return existing;
          }
          // The edge's cursor is the platform's to make; it is known once the list is fetched
          // again. Paging on is unaffected: it continues from pageInfo.endCursor.
          const edge = { __typename: 'DatasetEdge', cursor: '', node };
          return {
            ...existing,
            edges: withEdgeFirst(existing.edges, edge, (e) => readField<string>('id', e.node)),
          };
        },
      },
    });
  }
}
