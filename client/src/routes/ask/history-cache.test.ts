import { createCache } from '../../apollo';
import {
  ASK_PAGE_HISTORY_QUERY,
  HISTORY_ITEM_FRAGMENT,
  HISTORY_SIZE,
  type HistoryItemSavedQuery,
} from './ask-operations';
import { putFirstInHistory } from './history-cache';

const DATASET = 'd-1';

function saved(id: string): HistoryItemSavedQuery {
  return {
    __typename: 'SavedQuery',
    id,
    question: `question ${id}`,
    generatedSql: `SELECT ${id}`,
    explanation: `explains ${id}`,
    rowCount: 5,
    executionTimeMs: 12,
    engine: 'builtin',
    verified: false,
    createdAt: '2026-11-24T10:00:00.000Z',
  };
}

function cacheWith(ids: string[], datasetId = DATASET) {
  const cache = createCache();
  cache.writeQuery({
    query: ASK_PAGE_HISTORY_QUERY,
    variables: { datasetId, first: HISTORY_SIZE },
    data: { askSuggestions: ['How many rows are there?'], queryHistory: ids.map(saved) },
  });
  return cache;
}

/** What the mutation does first: the answer's saved query is written to the cache. */
function arrive(cache: ReturnType<typeof createCache>, id: string) {
  cache.writeFragment({
    fragment: HISTORY_ITEM_FRAGMENT,
    fragmentName: 'HistoryItem_savedQuery',
    data: saved(id),
  });
}

const history = (cache: ReturnType<typeof createCache>, datasetId = DATASET) =>
  cache.readQuery({
    query: ASK_PAGE_HISTORY_QUERY,
    variables: { datasetId, first: HISTORY_SIZE },
  });

describe('an answer in the history', () => {
  test('goes on top, with its fields, once; the suggestions stay', () => {
    const cache = cacheWith(['b', 'a']);
    arrive(cache, 'c');
    putFirstInHistory(cache, DATASET, 'c');
    putFirstInHistory(cache, DATASET, 'c');
    const data = history(cache);
    expect(data?.queryHistory.map((q) => q.id)).toEqual(['c', 'b', 'a']);
    expect(data?.queryHistory[0]).toMatchObject({
      question: 'question c',
      generatedSql: 'SELECT c',
    });
    expect(data?.askSuggestions).toEqual(['How many rows are there?']);
  });

  test('an entry asked again moves to the top; the list keeps its size', () => {
    const ids = Array.from({ length: HISTORY_SIZE }, (_, i) => `q${i}`);
    const cache = cacheWith(ids);
    arrive(cache, 'new');
    putFirstInHistory(cache, DATASET, 'new');
    let list = history(cache)?.queryHistory.map((q) => q.id);
    expect(list).toHaveLength(HISTORY_SIZE);
    expect(list?.slice(0, 2)).toEqual(['new', 'q0']);
    putFirstInHistory(cache, DATASET, 'q5');
    list = history(cache)?.queryHistory.map((q) => q.id);
    expect(list?.slice(0, 3)).toEqual(['q5', 'new', 'q0']);
    expect(list?.filter((id) => id === 'q5')).toHaveLength(1);
  });

  test("another data set's history, or one never fetched, is left alone", () => {
    const cache = cacheWith(['x'], 'd-2');
    arrive(cache, 'c');
    putFirstInHistory(cache, DATASET, 'c');
    expect(history(cache, 'd-2')?.queryHistory.map((q) => q.id)).toEqual(['x']);
    expect(history(cache)).toBeNull();
  });
});
