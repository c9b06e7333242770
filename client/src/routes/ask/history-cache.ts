/**
 * An answer's history entry goes on top of the cached history of its data set, so the list under
 * the answer shows it without asking the platform again. The entry itself is already in the cache
 * (the mutation selected `savedQuery { id ...HistoryItem_savedQuery }`); only the list's
 * membership is edited here.
 */
import type { ApolloCache } from '@apollo/client';
import { ASK_PAGE_HISTORY_QUERY, HISTORY_ITEM_FRAGMENT, HISTORY_SIZE } from './ask-operations';

/** Puts saved query `savedQueryId` first in `datasetId`'s cached history (once), keeping its size. */
export function putFirstInHistory(
  cache: ApolloCache,
  datasetId: string,
  savedQueryId: string,
): void {
  const id = cache.identify({ __typename: 'SavedQuery', id: savedQueryId });
  if (!id) return;
  const entry = cache.readFragment({
    fragment: HISTORY_ITEM_FRAGMENT,
    fragmentName: 'HistoryItem_savedQuery',
    id,
  });
  if (!entry) return;
  cache.updateQuery(
    { query: ASK_PAGE_HISTORY_QUERY, variables: { datasetId, first: HISTORY_SIZE } },
    (data) =>
      data && {
        ...data,
        queryHistory: [
          entry,
          ...data.queryHistory.filter((saved) => saved.id !== savedQueryId),
        ].slice(0, HISTORY_SIZE),
      },
  );
}
