import { listOwnerId, withEdgeFirst, withoutEdge } from './dataset-list-edits';

type Edge = { cursor: string; node: { id: string } };
const edge = (id: string, cursor = `c-${id}`): Edge => ({ cursor, node: { id } });
const idOf = (e: Edge) => e.node.id;

describe('withEdgeFirst', () => {
  test('puts a new data set on top', () => {
    expect(withEdgeFirst([edge('b'), edge('a')], edge('c', ''), idOf).map(idOf)).toEqual([
      'c',
      'b',
      'a',
    ]);
    expect(withEdgeFirst([], edge('a'), idOf).map(idOf)).toEqual(['a']);
  });

  test('a data set already listed stays where it is, once (an event delivered twice)', () => {
    const edges = [edge('b'), edge('a')];
    const next = withEdgeFirst(edges, edge('a', ''), idOf);
    expect(next).toEqual(edges);
    expect(next).not.toBe(edges);
  });
});

describe('withoutEdge', () => {
  test('removes the deleted data set and nothing else', () => {
    expect(withoutEdge([edge('c'), edge('b'), edge('a')], 'b', idOf).map(idOf)).toEqual(['c', 'a']);
    expect(withoutEdge([edge('a')], 'x', idOf).map(idOf)).toEqual(['a']);
  });
});

describe('listOwnerId', () => {
  test.each([
    ['datasets', null],
    ['datasets:{}', null],
    ['datasets({})', null],
    [
      'datasets:{"ownerId":"0b9c7e1e-0000-4000-8000-000000000001"}',
      '0b9c7e1e-0000-4000-8000-000000000001',
    ],
    ['datasets:{"ownerId":null}', null],
    ['datasets:not json', null],
  ])('%s holds the data sets of %j', (storeFieldName, owner) => {
    expect(listOwnerId(storeFieldName)).toBe(owner);
  });
});
