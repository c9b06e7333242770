/** The query subgraph against the real PostgreSQL, over HTTP. */
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

const datasetA = randomUUID();
const datasetB = randomUUID();
const quiet = randomUUID();
const user = randomUUID();
const ids = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];

async function insertQuery(id: string, datasetId: string, createdAt: string, question: string) {
  await server.deps.pool.query(
    `INSERT INTO query.queries (id, user_id, dataset_id, question, generated_sql, explanation,
       row_count, execution_time_ms, engine, verified, created_at)
     VALUES ($1, $2, $3, $4, 'SELECT count(*) FROM weather', 'Counts the rows.', 1461, 12,
       'builtin', true, $5)`,
    [id, user, datasetId, question, createdAt],
  );
}

beforeAll(async () => {
  await migrate(DATABASE_URL, { quiet: true });
  issuer = await startTestIssuer();
  token = await issuer.token({ userId: user });
  server = await start(
    { ...process.env, DATABASE_URL, ...issuer.env, QUERY_PORT: '0', LOG_LEVEL: 'silent' },
    false,
  );
  await insertQuery(ids[0]!, datasetA, '2026-11-24T10:00:00Z', 'How many rows?');
  await insertQuery(ids[1]!, datasetA, '2026-11-24T11:00:00Z', 'Hottest day?');
  await insertQuery(ids[2]!, datasetA, '2026-11-24T12:00:00Z', 'Rainiest month?');
  await insertQuery(ids[3]!, datasetB, '2026-11-24T09:00:00Z', 'Average wind?');
});

afterAll(async () => {
  if (!server) return;
  await server.deps.pool.query('DELETE FROM query.queries WHERE id = ANY($1::uuid[])', [ids]);
  await server.close();
  await issuer.close();
});

describe('query subgraph', () => {
  it('serves a saved query from its row', async () => {
    const body = await gql(
      `query($id: ID!) { savedQuery(id: $id) {
        id question generatedSql explanation rowCount executionTimeMs engine verified createdAt
        user { id } dataset { id } } }`,
      { id: ids[1] },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.savedQuery).toEqual({
      id: ids[1],
      question: 'Hottest day?',
      generatedSql: 'SELECT count(*) FROM weather',
      explanation: 'Counts the rows.',
      rowCount: 1461,
      executionTimeMs: 12,
      engine: 'builtin',
      verified: true,
      createdAt: '2026-11-24T11:00:00.000Z',
      user: { id: user },
      dataset: { id: datasetA },
    });
  });

  it("answers null for another user's saved query", async () => {
    const other = await issuer.token();
    const body = await postGraphQL(
      server.url,
      `query($id: ID!) { savedQuery(id: $id) { id } }`,
      { id: ids[1] },
      other,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.savedQuery).toBeNull();
  });

  it('answers null for an unknown id', async () => {
    const body = await gql(`query($id: ID!) { savedQuery(id: $id) { id } }`, { id: randomUUID() });
    expect(body.errors).toBeUndefined();
    expect(body.data?.savedQuery).toBeNull();
  });

  it('resolves SavedQuery references', async () => {
    const body = await gql(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on SavedQuery { id question } } }`,
      {
        r: [ids[3], randomUUID(), 'not-a-uuid'].map((id) => ({ __typename: 'SavedQuery', id })),
      },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?._entities).toEqual([{ id: ids[3], question: 'Average wind?' }, null, null]);
  });

  it('resolves Dataset.recentQueries, newest first, for several data sets with one SQL query', async () => {
    const query = jest.spyOn(server.deps.pool, 'query');
    try {
      const body = await gql(
        `query($r: [_Any!]!) { _entities(representations: $r) {
          ... on Dataset { id recentQueries(first: 2) { id } } } }`,
        { r: [datasetA, datasetB, quiet].map((id) => ({ __typename: 'Dataset', id })) },
      );
      expect(body.errors).toBeUndefined();
      expect(body.data?._entities).toEqual([
        { id: datasetA, recentQueries: [{ id: ids[2] }, { id: ids[1] }] },
        { id: datasetB, recentQueries: [{ id: ids[3] }] },
        { id: quiet, recentQueries: [] },
      ]);
      expect(query).toHaveBeenCalledTimes(1);
    } finally {
      query.mockRestore();
    }
  });

  it('defaults recentQueries to the 10 newest', async () => {
    const body = await gql(
      `query($r: [_Any!]!) { _entities(representations: $r) {
        ... on Dataset { recentQueries { question } } } }`,
      { r: [{ __typename: 'Dataset', id: datasetA }] },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?._entities).toEqual([
      {
        recentQueries: [
          { question: 'Rainiest month?' },
          { question: 'Hottest day?' },
          { question: 'How many rows?' },
        ],
      },
    ]);
  });

  it('refuses an id that is not a UUID', async () => {
    expectBadInput(await gql(`{ savedQuery(id: "abc") { id } }`), /`id` must be a UUID/);
  });

  it.each([0, 1000, -1])('refuses recentQueries(first: %i)', async (first) => {
    const body = await gql(
      `query($r: [_Any!]!, $first: Int) { _entities(representations: $r) {
        ... on Dataset { recentQueries(first: $first) { id } } } }`,
      { r: [{ __typename: 'Dataset', id: datasetA }], first },
    );
    expectBadInput(body, /`first` must be between 1 and 100/);
  });
});
