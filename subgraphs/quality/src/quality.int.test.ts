/** The quality subgraph against the real PostgreSQL, over HTTP. */
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
const datasetC = randomUUID();
const unprofiled = randomUUID();
const owner = randomUUID();

const columns = [
  {
    name: 'temp_max',
    data_type: 'Float64',
    null_count: 2,
    null_percentage: 0.14,
    unique_count: 67,
    min_value: -1.6,
    max_value: 35.6,
    mean: 16.44,
    std_dev: 7.35,
    quartiles: [10.6, 16.1, 22.2],
    histogram: [
      { start: -1.6, end: 17, count: 700 },
      { start: 17, end: 35.6, count: 759 },
    ],
    outliers: 4,
    sampled: false,
    top_values: null,
    top_values_approximate: false,
  },
  {
    name: 'weather',
    data_type: 'Utf8',
    null_count: 0,
    null_percentage: 0,
    unique_count: 5,
    min_value: 'drizzle',
    max_value: 'sun',
    mean: null,
    std_dev: null,
    top_values: [
      { value: 'rain', count: 641 },
      { value: 'sun', count: 640 },
    ],
    top_values_approximate: true,
    typed_text_count: 0,
  },
];
const issues = [
  { column: 'temp_max', type: 'high_nulls', severity: 'low', description: '0.14% missing' },
  {
    column: null,
    type: 'DUPLICATES',
    severity: 'MEDIUM',
    count: 3,
    description: '3 duplicate rows',
  },
];

async function insertProfile(datasetId: string, version: number, qualityScore: number) {
  await server.deps.pool.query(
    `INSERT INTO quality.profiles (dataset_id, version, row_count, column_count, size_bytes,
       duplicate_rows, quality_score, columns, issues, generated_at, owner_id)
     VALUES ($1, $2, 1461, 2, 5000000000, 3, $3, $4::jsonb, $5::jsonb, '2026-11-24T10:15:30Z', $6)`,
    [datasetId, version, qualityScore, JSON.stringify(columns), JSON.stringify(issues), owner],
  );
}

beforeAll(async () => {
  await migrate(DATABASE_URL, { quiet: true });
  issuer = await startTestIssuer();
  token = await issuer.token({ userId: owner, role: 'viewer' });
  server = await start(
    { ...process.env, DATABASE_URL, ...issuer.env, QUALITY_PORT: '0', LOG_LEVEL: 'silent' },
    false,
  );
  await insertProfile(datasetA, 1, 0.5);
  await insertProfile(datasetA, 2, 0.92);
  await insertProfile(datasetB, 1, 0.75);
  await insertProfile(datasetC, 1, 1);
});

afterAll(async () => {
  if (!server) return;
  await server.deps.pool.query('DELETE FROM quality.profiles WHERE dataset_id = ANY($1::uuid[])', [
    [datasetA, datasetB, datasetC],
  ]);
  await server.close();
  await issuer.close();
});

const PROFILE = `datasetId version rowCount columnCount sizeBytes duplicateRows qualityScore
  generatedAt
  columns { name dataType nullCount nullPercentage uniqueCount min max mean stdDev quartiles
    histogram { start end count } outlierCount sampled topValues { value count }
    topValuesApproximate typedTextCount }
  issues { column type severity count description }`;

describe('quality subgraph', () => {
  it('serves the latest profile of a data set from its row', async () => {
    const body = await gql(`query($id: ID!) { profile(datasetId: $id) { ${PROFILE} } }`, {
      id: datasetA,
    });
    expect(body.errors).toBeUndefined();
    expect(body.data?.profile).toEqual({
      datasetId: datasetA,
      version: 2,
      rowCount: 1461,
      columnCount: 2,
      sizeBytes: 5000000000,
      duplicateRows: 3,
      qualityScore: 0.92,
      generatedAt: '2026-11-24T10:15:30.000Z',
      columns: [
        {
          name: 'temp_max',
          dataType: 'Float64',
          nullCount: 2,
          nullPercentage: 0.14,
          uniqueCount: 67,
          min: '-1.6',
          max: '35.6',
          mean: 16.44,
          stdDev: 7.35,
          quartiles: ['10.6', '16.1', '22.2'],
          histogram: [
            { start: '-1.6', end: '17', count: 700 },
            { start: '17', end: '35.6', count: 759 },
          ],
          outlierCount: 4,
          sampled: false,
          topValues: null,
          topValuesApproximate: false,
          typedTextCount: null,
        },
        {
          name: 'weather',
          dataType: 'Utf8',
          nullCount: 0,
          nullPercentage: 0,
          uniqueCount: 5,
          min: 'drizzle',
          max: 'sun',
          mean: null,
          stdDev: null,
          quartiles: null,
          histogram: null,
          outlierCount: null,
          sampled: false,
          topValues: [
            { value: 'rain', count: 641 },
            { value: 'sun', count: 640 },
          ],
          topValuesApproximate: true,
          typedTextCount: 0,
        },
      ],
      issues: [
        {
          column: 'temp_max',
          type: 'HIGH_NULLS',
          severity: 'LOW',
          count: 0,
          description: '0.14% missing',
        },
        {
          column: null,
          type: 'DUPLICATES',
          severity: 'MEDIUM',
          count: 3,
          description: '3 duplicate rows',
        },
      ],
    });
  });

  it('shows a profile to its owner and to admins, to anyone else as if there were none', async () => {
    const query = `query($id: ID!) { profile(datasetId: $id) { version } }`;
    const stranger = await issuer.token({ role: 'analyst' });
    const admin = await issuer.token({ role: 'admin' });
    const asStranger = await postGraphQL(server.url, query, { id: datasetA }, stranger);
    expect(asStranger.errors).toBeUndefined();
    expect(asStranger.data).toEqual({ profile: null });
    const asAdmin = await postGraphQL(server.url, query, { id: datasetA }, admin);
    expect(asAdmin.data).toEqual({ profile: { version: 2 } });
    const entities = await postGraphQL(
      server.url,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Dataset { profile { version } } } }`,
      { r: [{ __typename: 'Dataset', id: datasetA }] },
      stranger,
    );
    expect(entities.data?._entities).toEqual([{ profile: null }]);
  });

  it('serves a given version, and null for a version or data set without a profile', async () => {
    const body = await gql(
      `query($a: ID!, $none: ID!) {
        v1: profile(datasetId: $a, version: 1) { version qualityScore }
        v9: profile(datasetId: $a, version: 9) { version }
        none: profile(datasetId: $none) { version }
      }`,
      { a: datasetA, none: unprofiled },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ v1: { version: 1, qualityScore: 0.5 }, v9: null, none: null });
  });

  it('resolves Dataset.profile for several references with one SQL query', async () => {
    const query = jest.spyOn(server.deps.pool, 'query');
    try {
      const body = await gql(
        `query($r: [_Any!]!) { _entities(representations: $r) {
          ... on Dataset { id profile { version qualityScore } } } }`,
        {
          r: [datasetA, datasetB, datasetC, unprofiled].map((id) => ({
            __typename: 'Dataset',
            id,
          })),
        },
      );
      expect(body.errors).toBeUndefined();
      expect(body.data?._entities).toEqual([
        { id: datasetA, profile: { version: 2, qualityScore: 0.92 } },
        { id: datasetB, profile: { version: 1, qualityScore: 0.75 } },
        { id: datasetC, profile: { version: 1, qualityScore: 1 } },
        { id: unprofiled, profile: null },
      ]);
      expect(query).toHaveBeenCalledTimes(1);
    } finally {
      query.mockRestore();
    }
  });

  it('resolves a given version through the reference too', async () => {
    const body = await gql(
      `query($r: [_Any!]!) { _entities(representations: $r) {
        ... on Dataset { profile(version: 1) { version qualityScore } } } }`,
      { r: [{ __typename: 'Dataset', id: datasetA }] },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?._entities).toEqual([{ profile: { version: 1, qualityScore: 0.5 } }]);
  });

  it('answers a reference with an id that is not a UUID with null', async () => {
    const body = await gql(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Dataset { id } } }`,
      { r: [{ __typename: 'Dataset', id: 'not-a-uuid' }] },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?._entities).toEqual([null]);
  });

  it('refuses a datasetId that is not a UUID', async () => {
    const body = await gql(`{ profile(datasetId: "42; DROP TABLE x") { version } }`);
    expectBadInput(body, /`datasetId` must be a UUID/);
  });

  it('refuses a version below 1', async () => {
    const body = await gql(`query($id: ID!) { profile(datasetId: $id, version: 0) { version } }`, {
      id: datasetA,
    });
    expectBadInput(body, /`version` must be 1 or more/);
  });
});
