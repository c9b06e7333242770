/**
 * The query flow with a language model and a failing warehouse, on real PostgreSQL, Redis, S3
 * and DuckDB, with the model served by a local HTTP server speaking the Chat Completions protocol
 * (so the real `openai` client runs): the model's SQL is checked before it runs, gets one repair
 * round, and the built-in engine answers — marked — when the model is down, slow, or talks prose;
 * a failing or slow warehouse is covered by the last cached answer, marked stale.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createLogger,
  createPool,
  createRedis,
  type Pool,
  type Principal,
  type Redis,
} from '@platform/runtime';
import { migrate } from '../../../scripts/migrate.mjs';
import { DATABASE_URL } from '../../runtime/test/graphql';
import { localS3, localStackEnv } from '../../runtime/test/local-stack';
import {
  startChatCompletionsServer,
  type ChatCompletionsServer,
} from '../test/chat-completions-server';
import { createDatasetFixture, type DatasetFixture } from '../test/dataset-fixture';
import { createAnswers, type Answers } from './answers';
import { createConversations } from './conversations';
import { createDatasets } from './datasets';
import { createBuiltinEngine } from './engines/builtin/builtin-engine';
import { createLlmEngine } from './engines/llm/llm-engine';
import { createResultCache } from './result-cache';
import { createDuckDbValidator, type SqlValidator } from './sql/duckdb-validator';
import { createQueryStore } from './store';
import { createDuckDbWarehouse } from './warehouse/duckdb-warehouse';
import { createParquetCache } from './warehouse/parquet-cache';
import { WarehouseError, type Warehouse } from './warehouse/warehouse';

const env = localStackEnv();
const logger = createLogger('query-test', 'silent');
const s3 = localS3(env);
const viewer: Principal = { userId: randomUUID(), role: 'analyst', tier: 'free' };
let pool: Pool;
let redis: Redis;
let dir: string;
let model: ChatCompletionsServer;
let validator: SqlValidator;
let real: Warehouse;
let penguins: DatasetFixture;
/** How the warehouse behaves in the current test: as itself, failing, or slow. */
let warehouseMode: 'real' | 'down' | 'slow' = 'real';

// The real warehouse, made to fail or stall on demand: an outage without stopping anything.
const warehouse: Warehouse = {
  name: 'duckdb',
  run: async (d, sql, options) => {
    if (warehouseMode === 'down') throw new WarehouseError('UNAVAILABLE', 'storage is down');
    if (warehouseMode === 'slow') await new Promise((resolve) => setTimeout(resolve, 1500));
    return real.run(d, sql, options);
  },
  close: () => real.close(),
};

function answersWith(options: { model: boolean; timeoutMs?: number }): Answers {
  return createAnswers({
    datasets: createDatasets({ pool, warehouse: real, timeoutMs: 5000 }),
    validator,
    warehouse,
    cache: createResultCache({ redis, freshSeconds: 300, staleSeconds: 3600, logger }),
    store: createQueryStore(pool),
    conversations: createConversations(redis, logger),
    builtin: createBuiltinEngine(),
    model: options.model
      ? createLlmEngine({
          baseUrl: model.url,
          apiKey: model.apiKey,
          model: 'local-model',
          timeoutMs: options.timeoutMs ?? 2000,
          sendValues: false,
        })
      : null,
    limits: { maxRows: 100, timeoutMs: 5000, staleAfterMs: 300 },
    logger,
  });
}

beforeAll(async () => {
  await migrate(DATABASE_URL, { quiet: true });
  pool = createPool(
    { url: DATABASE_URL, max: 4, statementTimeoutMs: 10_000, applicationName: 'query-test' },
    logger,
  );
  redis = createRedis(env.REDIS_URL!, logger);
  await redis.connect();
  dir = await mkdtemp(join(tmpdir(), 'query-answers-'));
  model = await startChatCompletionsServer();
  validator = await createDuckDbValidator();
  real = createDuckDbWarehouse({
    files: createParquetCache({ s3, bucket: env.S3_DATA_BUCKET!, dir, maxBytes: 100_000_000 }),
    tempDir: join(dir, 'spill'),
    threads: 1,
    memoryLimit: '256MB',
    maxOpen: 2,
  });
  penguins = await createDatasetFixture({
    pool,
    s3,
    bucket: env.S3_DATA_BUCKET!,
    ownerId: viewer.userId,
    name: 'penguins',
  });
});

afterEach(() => {
  warehouseMode = 'real';
});

afterAll(async () => {
  await pool?.query('DELETE FROM query.queries WHERE user_id = $1', [viewer.userId]);
  await penguins?.remove();
  await real?.close();
  validator?.close();
  await model?.close();
  redis?.disconnect();
  await pool?.end();
  s3.destroy();
  await rm(dir, { recursive: true, force: true });
});

const fenced = (sql: string) => ({ content: `\`\`\`sql\n${sql}\n\`\`\`` });

describe('with a language model', () => {
  it('runs the model’s checked SQL and explains with the model', async () => {
    model.reply((request) =>
      request.messages[0]!.content.includes('explain')
        ? { content: 'Counted the penguins on each island; Biscoe has the most.' }
        : fenced('SELECT "Island", count(*) AS penguins FROM data GROUP BY 1 ORDER BY 2 DESC'),
    );
    const sent = model.requests.length;
    const answer = await answersWith({ model: true }).ask(
      viewer,
      penguins.datasetId,
      'penguins per island?',
    );
    expect(answer).toMatchObject({ status: 'ANSWERED', engine: 'local-model', engineNote: null });
    expect(answer.result!.rows[0]).toEqual(['Biscoe', '168']);
    expect(answer.explanation).toBe('Counted the penguins on each island; Biscoe has the most.');
    const prompt = model.requests[sent]!.body.messages.map((m) => m.content).join('\n');
    expect(prompt).toContain('Beak Length (mm)');
    // No row values leave the platform by default.
    expect(prompt).not.toContain('Adelie');
  });

  it('repairs SQL that fails the checks once, sending the errors', async () => {
    const replies = [fenced('DROP TABLE data'), fenced('SELECT count(*) AS n FROM data')];
    model.reply((request) =>
      request.messages[0]!.content.includes('explain')
        ? { content: 'There are 344 penguins.' }
        : replies.shift()!,
    );
    const sent = model.requests.length;
    const answer = await answersWith({ model: true }).ask(
      viewer,
      penguins.datasetId,
      'how many penguins',
    );
    expect(answer).toMatchObject({ status: 'ANSWERED', engine: 'local-model' });
    expect(answer.result!.rows).toEqual([['344']]);
    const repair = model.requests[sent + 1]!.body.messages.map((m) => m.content).join('\n');
    expect(repair).toContain('DROP TABLE data');
    expect(repair).toMatch(/Only a read-only SELECT/);
  });

  it.each([
    ['talks prose', { content: 'Sure! Penguins are lovely birds that live in Antarctica.' }],
    ['fails twice', fenced("SELECT * FROM read_csv('/etc/passwd')")],
    ['answers 500', { status: 500, message: 'upstream exploded' }],
    ['hangs', { hang: true as const }],
  ])('answers with the built-in engine, marked, when the model %s', async (_, reply) => {
    model.reply(reply);
    const started = Date.now();
    const answer = await answersWith({ model: true, timeoutMs: 400 }).ask(
      viewer,
      penguins.datasetId,
      'average body mass by species',
    );
    expect(answer).toMatchObject({ status: 'ANSWERED', engine: 'builtin' });
    expect(answer.engineNote).toMatch(
      /^local-model could not answer \(.+\); the built-in engine answered instead\.$/,
    );
    expect(answer.result!.rows).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('sends verified answers of the data set as examples', async () => {
    const answers = answersWith({ model: false });
    const first = await answers.ask(
      viewer,
      penguins.datasetId,
      'max flipper length of Gentoo penguins',
    );
    await createQueryStore(pool).setVerified(first.saved!.id, true);
    model.reply((request) =>
      request.messages[0]!.content.includes('explain')
        ? { content: 'The longest flipper.' }
        : fenced('SELECT max("Flipper Length (mm)") FROM data'),
    );
    const sent = model.requests.length;
    await answersWith({ model: true }).ask(
      viewer,
      penguins.datasetId,
      'longest flipper of Gentoo penguins',
    );
    const prompt = model.requests[sent]!.body.messages.map((m) => m.content).join('\n');
    expect(prompt).toContain('max flipper length of Gentoo penguins');
    expect(prompt).toContain(first.sql!);
  });
});

describe('when the warehouse fails or is slow', () => {
  it('serves the last cached answer marked stale, and errors without one', async () => {
    const answers = answersWith({ model: false });
    const sql = 'SELECT "Species", avg("Flipper Length (mm)") AS f FROM data GROUP BY 1 ORDER BY 1';
    const fresh = await answers.runSql(viewer, penguins.datasetId, sql);
    expect(fresh).toMatchObject({ cached: false, stale: false });
    // The fresh copy expires; the stale one stays.
    const keys = await redis.keys(`query:fresh:${penguins.datasetId}:*`);
    await redis.del(...keys);

    warehouseMode = 'down';
    const stale = await answers.runSql(viewer, penguins.datasetId, sql);
    expect(stale).toMatchObject({ cached: true, stale: true });
    expect(stale.result!.rows).toEqual(fresh.result!.rows);

    await expect(
      answers.runSql(viewer, penguins.datasetId, 'SELECT count(*) AS other FROM data'),
    ).rejects.toMatchObject({
      extensions: { code: 'UPSTREAM_UNAVAILABLE' },
    });
  });

  it('serves the stale copy when the warehouse is too slow, and refreshes it', async () => {
    const answers = answersWith({ model: false });
    const sql = 'SELECT "Island", min("Body Mass (g)") AS m FROM data GROUP BY 1 ORDER BY 1';
    await answers.runSql(viewer, penguins.datasetId, sql);
    await redis.del(...(await redis.keys(`query:fresh:${penguins.datasetId}:*`)));

    warehouseMode = 'slow';
    const started = Date.now();
    const stale = await answers.runSql(viewer, penguins.datasetId, sql);
    expect(stale).toMatchObject({ cached: true, stale: true });
    expect(Date.now() - started).toBeLessThan(1400);
    // The slow run finishes in the background and stores a fresh copy.
    await new Promise((resolve) => setTimeout(resolve, 1600));
    warehouseMode = 'real';
    expect(await answers.runSql(viewer, penguins.datasetId, sql)).toMatchObject({
      cached: true,
      stale: false,
    });
  });
});
