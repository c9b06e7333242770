/** The dashboards subgraph against the real PostgreSQL, over HTTP. */
import { randomUUID } from 'node:crypto';
import { migrate } from '../../../scripts/migrate.mjs';
import {
  DATABASE_URL,
  expectBadInput,
  postGraphQL,
  startTestIssuer,
  type TestIssuer,
} from '../../runtime/test/graphql';
import { start } from './index';

let server: Awaited<ReturnType<typeof start>>;
let issuer: TestIssuer;
let token: string;

const gql = (query: string, variables?: Record<string, unknown>) =>
  postGraphQL(server.url, query, variables, token);

const owner = randomUUID();
const dataset = randomUUID();
// Two dashboards share a creation time: the id breaks the tie in the keyset order.
const [d1, d2, d3, d4] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()].sort();
const vizIds = [randomUUID(), randomUUID(), randomUUID()];

async function insertDashboard(id: string, name: string, createdAt: string) {
  await server.deps.pool.query(
    `INSERT INTO dashboards.dashboards (id, owner_id, name, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $4)`,
    [id, owner, name, createdAt],
  );
}

async function insertViz(id: string, dashboardId: string, chartType: string, createdAt: string) {
  await server.deps.pool.query(
    `INSERT INTO dashboards.visualizations (id, dashboard_id, chart_type, dataset_id, query,
       config, position, created_at)
     VALUES ($1, $2, $3, $4, 'SELECT date, temp_max FROM weather', '{"title": "t"}'::jsonb,
       '{"x": 0, "y": 2, "width": 6, "height": 4}'::jsonb, $5)`,
    [id, dashboardId, chartType, dataset, createdAt],
  );
}

beforeAll(async () => {
  await migrate(DATABASE_URL, { quiet: true });
  issuer = await startTestIssuer();
  token = await issuer.token();
  server = await start(
    { ...process.env, DATABASE_URL, ...issuer.env, DASHBOARDS_PORT: '0', LOG_LEVEL: 'silent' },
    false,
  );
  await insertDashboard(d1!, 'Weather', '2026-11-24T10:00:00Z');
  await insertDashboard(d2!, 'Cars', '2026-11-24T11:00:00Z');
  await insertDashboard(d3!, 'Stocks', '2026-11-24T11:00:00Z');
  await insertDashboard(d4!, 'Flights', '2026-11-24T12:00:00Z');
  await insertViz(vizIds[0]!, d1!, 'LINE', '2026-11-24T10:01:00Z');
  await insertViz(vizIds[1]!, d1!, 'BAR', '2026-11-24T10:02:00Z');
  await insertViz(vizIds[2]!, d2!, 'PIE', '2026-11-24T11:01:00Z');
});

afterAll(async () => {
  if (!server) return;
  await server.deps.pool.query('DELETE FROM dashboards.dashboards WHERE owner_id = $1', [owner]);
  await server.close();
  await issuer.close();
});

const PAGE = `query($first: Int, $after: String, $owner: ID) {
  dashboards(first: $first, after: $after, ownerId: $owner) {
    edges { cursor node { id name } }
    pageInfo { hasNextPage endCursor } } }`;

interface Page {
  dashboards: {
    edges: { cursor: string; node: { id: string; name: string } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

describe('dashboards subgraph', () => {
  it('serves a dashboard and its visualizations from the rows', async () => {
    const body = await gql(
      `query($id: ID!) { dashboard(id: $id) {
        id name shared createdAt updatedAt owner { id }
        visualizations { id chartType dataset { id } query position { x y width height } } } }`,
      { id: d1 },
    );
    expect(body.errors).toBeUndefined();
    const position = { x: 0, y: 2, width: 6, height: 4 };
    const viz = (id: string, chartType: string) => ({
      id,
      chartType,
      dataset: { id: dataset },
      query: 'SELECT date, temp_max FROM weather',
      position,
    });
    expect(body.data?.dashboard).toEqual({
      id: d1,
      name: 'Weather',
      shared: false,
      createdAt: '2026-11-24T10:00:00.000Z',
      updatedAt: '2026-11-24T10:00:00.000Z',
      owner: { id: owner },
      visualizations: [viz(vizIds[0]!, 'LINE'), viz(vizIds[1]!, 'BAR')],
    });
  });

  it('answers null for an unknown id', async () => {
    const body = await gql(`query($id: ID!) { dashboard(id: $id) { id } }`, { id: randomUUID() });
    expect(body.errors).toBeUndefined();
    expect(body.data?.dashboard).toBeNull();
  });

  it('pages through an owner’s dashboards newest first, ties broken by id', async () => {
    const first = await gql(PAGE, { first: 2, owner });
    expect(first.errors).toBeUndefined();
    const page1 = (first.data as unknown as Page).dashboards;
    expect(page1.edges.map((e) => e.node.id)).toEqual([d4, d3]);
    expect(page1.pageInfo).toEqual({ hasNextPage: true, endCursor: page1.edges[1]!.cursor });

    const second = await gql(PAGE, { first: 2, after: page1.pageInfo.endCursor, owner });
    expect(second.errors).toBeUndefined();
    const page2 = (second.data as unknown as Page).dashboards;
    expect(page2.edges.map((e) => e.node.name)).toEqual(['Cars', 'Weather']);
    expect(page2.pageInfo.hasNextPage).toBe(false);

    const rest = await gql(PAGE, { first: 2, after: page2.pageInfo.endCursor, owner });
    expect((rest.data as unknown as Page).dashboards).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, endCursor: null },
    });
  });

  it('lists every owner’s dashboards when ownerId is omitted', async () => {
    const body = await gql(PAGE, { first: 1 });
    expect(body.errors).toBeUndefined();
    expect((body.data as unknown as Page).dashboards.edges).toHaveLength(1);
  });

  it('loads the visualizations of a whole page with one SQL query', async () => {
    const query = jest.spyOn(server.deps.pool, 'query');
    try {
      const body = await gql(
        `query($owner: ID) { dashboards(ownerId: $owner) { edges { node {
          name visualizations { chartType } } } } }`,
        { owner },
      );
      expect(body.errors).toBeUndefined();
      expect((body.data as unknown as Page).dashboards.edges.map((e) => e.node)).toEqual([
        { name: 'Flights', visualizations: [] },
        { name: 'Stocks', visualizations: [] },
        { name: 'Cars', visualizations: [{ chartType: 'PIE' }] },
        { name: 'Weather', visualizations: [{ chartType: 'LINE' }, { chartType: 'BAR' }] },
      ]);
      expect(query).toHaveBeenCalledTimes(2); // the page, then all its visualizations
    } finally {
      query.mockRestore();
    }
  });

  it('resolves several Dashboard references with one SQL query', async () => {
    const query = jest.spyOn(server.deps.pool, 'query');
    try {
      const body = await gql(
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Dashboard { id name } } }`,
        { r: [d2, d4, randomUUID(), 'nope'].map((id) => ({ __typename: 'Dashboard', id })) },
      );
      expect(body.errors).toBeUndefined();
      expect(body.data?._entities).toEqual([
        { id: d2, name: 'Cars' },
        { id: d4, name: 'Flights' },
        null,
        null,
      ]);
      expect(query).toHaveBeenCalledTimes(1);
    } finally {
      query.mockRestore();
    }
  });

  it('refuses an id that is not a UUID', async () => {
    expectBadInput(await gql(`{ dashboard(id: "dash-1") { id } }`), /`id` must be a UUID/);
  });

  it.each([0, 1000])('refuses dashboards(first: %i)', async (first) => {
    expectBadInput(await gql(PAGE, { first }), /`first` must be between 1 and 100/);
  });

  it.each([
    ['not base64 of a cursor', 'not-a-cursor'],
    ['a cursor without a UUID', Buffer.from('2026-11-24T10:00:00Z|x').toString('base64url')],
    ['a cursor without a date', Buffer.from(`yesterday|${randomUUID()}`).toString('base64url')],
    ['an oversized cursor', 'x'.repeat(500)],
  ])('refuses %s', async (_, after) => {
    expectBadInput(await gql(PAGE, { first: 2, after }), /cursor is not valid/);
  });

  it('refuses an ownerId that is not a UUID', async () => {
    expectBadInput(await gql(PAGE, { owner: 'me' }), /`ownerId` must be a UUID/);
  });

  it('deletes the visualizations with their dashboard', async () => {
    const pool = server.deps.pool;
    const id = randomUUID();
    await insertDashboard(id, 'Temporary', '2026-11-24T13:00:00Z');
    await insertViz(randomUUID(), id, 'SCATTER', '2026-11-24T13:01:00Z');
    await pool.query('DELETE FROM dashboards.dashboards WHERE id = $1', [id]);
    const { rows } = await pool.query(
      'SELECT count(*)::int AS n FROM dashboards.visualizations WHERE dashboard_id = $1',
      [id],
    );
    expect(rows[0]).toEqual({ n: 0 });
  });
});
