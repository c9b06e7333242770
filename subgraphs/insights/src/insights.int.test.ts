/** The insights subgraph against the real PostgreSQL, over HTTP. */
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
const ids = [randomUUID(), randomUUID(), randomUUID()];

async function insertInsight(
  id: string,
  datasetId: string,
  createdAt: string,
  kind: string,
  details: Record<string, unknown>,
) {
  await server.deps.pool.query(
    `INSERT INTO insights.insights (id, dataset_id, kind, title, description, severity, details,
       created_at)
     VALUES ($1, $2, $3, $4, 'Found in the data.', 'HIGH', $5::jsonb, $6)`,
    [id, datasetId, kind, `${kind} on ${createdAt}`, JSON.stringify(details), createdAt],
  );
}

beforeAll(async () => {
  await migrate(DATABASE_URL, { quiet: true });
  issuer = await startTestIssuer();
  token = await issuer.token();
  server = await start(
    { ...process.env, DATABASE_URL, ...issuer.env, INSIGHTS_PORT: '0', LOG_LEVEL: 'silent' },
    false,
  );
  await insertInsight(ids[0]!, datasetA, '2026-11-24T10:00:00Z', 'ANOMALY', {
    column: 'temp_max',
    zScore: 4.2,
    dates: ['2015-06-28'],
  });
  await insertInsight(ids[1]!, datasetA, '2026-11-24T11:00:00Z', 'TREND', { slope: 0.3 });
  await insertInsight(ids[2]!, datasetB, '2026-11-24T09:00:00Z', 'RECOMMENDATION', {});
});

afterAll(async () => {
  if (!server) return;
  await server.deps.pool.query('DELETE FROM insights.insights WHERE id = ANY($1::uuid[])', [ids]);
  await server.close();
  await issuer.close();
});

describe('insights subgraph', () => {
  it('serves Dataset.insights from the rows, newest first', async () => {
    const body = await gql(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Dataset {
        insights { id kind title description severity details createdAt dataset { id } } } } }`,
      { r: [{ __typename: 'Dataset', id: datasetA }] },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?._entities).toEqual([
      {
        insights: [
          {
            id: ids[1],
            kind: 'TREND',
            title: 'TREND on 2026-11-24T11:00:00Z',
            description: 'Found in the data.',
            severity: 'HIGH',
            details: { slope: 0.3 },
            createdAt: '2026-11-24T11:00:00.000Z',
            dataset: { id: datasetA },
          },
          {
            id: ids[0],
            kind: 'ANOMALY',
            title: 'ANOMALY on 2026-11-24T10:00:00Z',
            description: 'Found in the data.',
            severity: 'HIGH',
            details: { column: 'temp_max', zScore: 4.2, dates: ['2015-06-28'] },
            createdAt: '2026-11-24T10:00:00.000Z',
            dataset: { id: datasetA },
          },
        ],
      },
    ]);
  });

  it('resolves several data sets with one SQL query and honours `first`', async () => {
    const query = jest.spyOn(server.deps.pool, 'query');
    try {
      const body = await gql(
        `query($r: [_Any!]!) { _entities(representations: $r) {
          ... on Dataset { id insights(first: 1) { id } } } }`,
        { r: [datasetA, datasetB, quiet].map((id) => ({ __typename: 'Dataset', id })) },
      );
      expect(body.errors).toBeUndefined();
      expect(body.data?._entities).toEqual([
        { id: datasetA, insights: [{ id: ids[1] }] },
        { id: datasetB, insights: [{ id: ids[2] }] },
        { id: quiet, insights: [] },
      ]);
      expect(query).toHaveBeenCalledTimes(1);
    } finally {
      query.mockRestore();
    }
  });

  it('answers a reference with an id that is not a UUID with null', async () => {
    const body = await gql(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Dataset { id } } }`,
      { r: [{ __typename: 'Dataset', id: "'; SELECT 1; --" }] },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?._entities).toEqual([null]);
  });

  it.each([0, 1000])('refuses insights(first: %i)', async (first) => {
    const body = await gql(
      `query($r: [_Any!]!, $first: Int) { _entities(representations: $r) {
        ... on Dataset { insights(first: $first) { id } } } }`,
      { r: [{ __typename: 'Dataset', id: datasetA }], first },
    );
    expectBadInput(body, /`first` must be between 1 and 100/);
  });
});
