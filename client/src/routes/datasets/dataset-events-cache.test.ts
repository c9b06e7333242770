import { gql, type TypedDocumentNode } from '@apollo/client';
import { createCache } from '../../apollo';
import { applyDatasetEvent } from './dataset-events-cache';

type Node = { __typename: 'Dataset'; id: string; name: string; status: string };
type ListQuery = {
  datasets: {
    __typename: 'DatasetConnection';
    edges: Array<{ __typename: 'DatasetEdge'; cursor: string; node: Node }>;
    pageInfo: { __typename: 'PageInfo'; hasNextPage: boolean; endCursor: string | null };
  };
};

// The shape of the Datasets page's query (its own document lives in a .tsx module).
const LIST: TypedDocumentNode<ListQuery, { first: number; ownerId?: string }> = gql`
  query List($first: Int!, $ownerId: ID) {
    datasets(first: $first, ownerId: $ownerId) {
      edges {
        cursor
        node {
          id
          name
          status
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

const DATASET = gql`
  fragment Written on Dataset {
    id
    name
    status
  }
`;

const ME = 'owner-1';
const dataset = (id: string, status = 'READY'): Node => ({
  __typename: 'Dataset',
  id,
  name: `${id}.csv`,
  status,
});

function cacheWith(ids: string[], variables: { first: number; ownerId?: string } = { first: 20 }) {
  const cache = createCache();
  cache.writeQuery({
    query: LIST,
    variables,
    data: {
      datasets: {
        __typename: 'DatasetConnection',
        edges: ids.map((id) => ({
          __typename: 'DatasetEdge' as const,
          cursor: `c-${id}`,
          node: dataset(id),
        })),
        pageInfo: { __typename: 'PageInfo', hasNextPage: true, endCursor: `c-${ids.at(-1)}` },
      },
    },
  });
  return cache;
}

const listed = (cache: ReturnType<typeof createCache>, variables = { first: 20 }) =>
  cache.readQuery({ query: LIST, variables })?.datasets;

/** What the subscription does first: the event's data set is written to the cache. */
function arrive(cache: ReturnType<typeof createCache>, node: Node) {
  cache.writeFragment({ fragment: DATASET, data: node });
}

describe('applyDatasetEvent', () => {
  test('CREATED puts the new data set on top; paging on still starts from the same cursor', () => {
    const cache = cacheWith(['b', 'a']);
    arrive(cache, dataset('c', 'PENDING'));
    applyDatasetEvent(cache, {
      kind: 'CREATED',
      datasetId: 'c',
      dataset: { id: 'c', owner: { id: ME } },
    });
    const list = listed(cache);
    expect(list?.edges.map((edge) => edge.node.id)).toEqual(['c', 'b', 'a']);
    expect(list?.edges[0]?.node.status).toBe('PENDING');
    expect(list?.pageInfo).toMatchObject({ hasNextPage: true, endCursor: 'c-a' });
  });

  test('the same CREATED twice lists the data set once', () => {
    const cache = cacheWith(['a']);
    arrive(cache, dataset('c', 'PENDING'));
    const event = {
      kind: 'CREATED' as const,
      datasetId: 'c',
      dataset: { id: 'c', owner: { id: ME } },
    };
    applyDatasetEvent(cache, event);
    applyDatasetEvent(cache, event);
    expect(listed(cache)?.edges.map((edge) => edge.node.id)).toEqual(['c', 'a']);
  });

  test("a list of someone else's data sets does not get mine", () => {
    const other = { first: 20, ownerId: 'owner-2' };
    const cache = cacheWith(['x'], other);
    arrive(cache, dataset('c', 'PENDING'));
    applyDatasetEvent(cache, {
      kind: 'CREATED',
      datasetId: 'c',
      dataset: { id: 'c', owner: { id: ME } },
    });
    expect(listed(cache, other)?.edges.map((edge) => edge.node.id)).toEqual(['x']);
  });

  test('a status change shows in the list through the normalized data set alone', () => {
    const cache = cacheWith(['b', 'a']);
    arrive(cache, dataset('b', 'FAILED'));
    applyDatasetEvent(cache, {
      kind: 'FAILED',
      datasetId: 'b',
      dataset: { id: 'b', owner: { id: ME } },
    });
    expect(listed(cache)?.edges.map((edge) => [edge.node.id, edge.node.status])).toEqual([
      ['b', 'FAILED'],
      ['a', 'READY'],
    ]);
  });

  test('DELETED removes the data set from the list and from the cache', () => {
    const cache = cacheWith(['c', 'b', 'a']);
    applyDatasetEvent(cache, { kind: 'DELETED', datasetId: 'b', dataset: null });
    expect(listed(cache)?.edges.map((edge) => edge.node.id)).toEqual(['c', 'a']);
    expect(cache.extract()['Dataset:b']).toBeUndefined();
  });
});
