/** The ml subgraph against the real PostgreSQL, over HTTP. */
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
const untrained = randomUUID();
const user = randomUUID();
const ids = [randomUUID(), randomUUID(), randomUUID()];

async function insertModel(
  id: string,
  datasetId: string,
  createdAt: string,
  fields: { problemType: string; status: string; metrics: Record<string, number> },
) {
  await server.deps.pool.query(
    `INSERT INTO ml.models (id, dataset_id, user_id, target_column, problem_type, status, metrics,
       training_time_seconds, registry_uri, created_at)
     VALUES ($1, $2, $3, 'weather', $4, $5, $6::jsonb, $7, $8, $9)`,
    [
      id,
      datasetId,
      user,
      fields.problemType,
      fields.status,
      JSON.stringify(fields.metrics),
      fields.status === 'READY' ? 42 : null,
      fields.status === 'READY' ? `models:/${id}/1` : null,
      createdAt,
    ],
  );
}

beforeAll(async () => {
  await migrate(DATABASE_URL, { quiet: true });
  issuer = await startTestIssuer();
  token = await issuer.token();
  server = await start(
    { ...process.env, DATABASE_URL, ...issuer.env, ML_PORT: '0', LOG_LEVEL: 'silent' },
    false,
  );
  await insertModel(ids[0]!, datasetA, '2026-11-24T10:00:00Z', {
    problemType: 'CLASSIFICATION',
    status: 'READY',
    metrics: { f1: 0.91, accuracy: 0.93 },
  });
  await insertModel(ids[1]!, datasetA, '2026-11-24T11:00:00Z', {
    problemType: 'REGRESSION',
    status: 'TRAINING',
    metrics: {},
  });
  await insertModel(ids[2]!, datasetB, '2026-11-24T09:00:00Z', {
    problemType: 'REGRESSION',
    status: 'READY',
    metrics: { rmse: 2.5 },
  });
});

afterAll(async () => {
  if (!server) return;
  await server.deps.pool.query('DELETE FROM ml.models WHERE id = ANY($1::uuid[])', [ids]);
  await server.close();
  await issuer.close();
});

describe('ml subgraph', () => {
  it('serves a model from its row', async () => {
    const body = await gql(
      `query($id: ID!) { model(id: $id) {
        id targetColumn problemType status metrics { name value } trainingTimeSeconds registryUri
        createdAt owner { id } dataset { id } } }`,
      { id: ids[0] },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.model).toEqual({
      id: ids[0],
      targetColumn: 'weather',
      problemType: 'CLASSIFICATION',
      status: 'READY',
      metrics: [
        { name: 'accuracy', value: 0.93 },
        { name: 'f1', value: 0.91 },
      ],
      trainingTimeSeconds: 42,
      registryUri: `models:/${ids[0]}/1`,
      createdAt: '2026-11-24T10:00:00.000Z',
      owner: { id: user },
      dataset: { id: datasetA },
    });
  });

  it('answers null for an unknown id', async () => {
    const body = await gql(`query($id: ID!) { model(id: $id) { id } }`, { id: randomUUID() });
    expect(body.errors).toBeUndefined();
    expect(body.data?.model).toBeNull();
  });

  it('resolves Model references', async () => {
    const body = await gql(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Model { id status } } }`,
      { r: [ids[1], randomUUID(), 'nope'].map((id) => ({ __typename: 'Model', id })) },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?._entities).toEqual([{ id: ids[1], status: 'TRAINING' }, null, null]);
  });

  it('resolves Dataset.models, newest first, for several data sets with one SQL query', async () => {
    const query = jest.spyOn(server.deps.pool, 'query');
    try {
      const body = await gql(
        `query($r: [_Any!]!) { _entities(representations: $r) {
          ... on Dataset { id models { id metrics { name value } } } } }`,
        { r: [datasetA, datasetB, untrained].map((id) => ({ __typename: 'Dataset', id })) },
      );
      expect(body.errors).toBeUndefined();
      expect(body.data?._entities).toEqual([
        {
          id: datasetA,
          models: [
            { id: ids[1], metrics: [] },
            {
              id: ids[0],
              metrics: [
                { name: 'accuracy', value: 0.93 },
                { name: 'f1', value: 0.91 },
              ],
            },
          ],
        },
        { id: datasetB, models: [{ id: ids[2], metrics: [{ name: 'rmse', value: 2.5 }] }] },
        { id: untrained, models: [] },
      ]);
      expect(query).toHaveBeenCalledTimes(1);
    } finally {
      query.mockRestore();
    }
  });

  it('refuses an id that is not a UUID', async () => {
    expectBadInput(await gql(`{ model(id: "1 OR 1=1") { id } }`), /`id` must be a UUID/);
  });
});
