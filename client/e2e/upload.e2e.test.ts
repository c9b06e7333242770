/**
 * Bringing data in through the app, end to end: Debian's Chromium signs in as the first admin,
 * opens Datasets › Upload data, and sends real files to the presigned S3 URLs the platform signs.
 * The processor does not consume uploads yet, so the test plays it: it produces the
 * `data.processing.progress`, `.complete` and `.failed` events of schema/events/ itself (key: the
 * job id, which the page shows), and the page must follow them through the `jobUpdated` and
 * `datasetEvents` subscriptions. A second tab stays on the Datasets page the whole time and must
 * show the new data set appear and change status without a reload.
 *
 * Every data set, upload row and stored object a test creates is removed afterwards.
 *
 * Needs: `npm run build -w client`, the local stack and the platform running (`npm start`), whose
 * S3 CORS origin is the platform's URL (infra/env.sh: S3_CORS_ORIGIN).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Producer } from 'kafkajs';
import { Client } from 'pg';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium, screenshotOnFailure, watchPage, type PageProblems } from './browser';
import {
  adminCredentials,
  assertPlatformReachable,
  BASE_URL,
  DATABASE_URL,
  expectNoProblems,
  signInThroughPage,
  step,
  vegaDataFile,
} from './platform';
import { connectProducer, connectS3, deleteObject, listen, produce } from './stack';

// Chromium, uploads and Kafka round trips on a busy two-core machine.
jest.setTimeout(180_000);

const suffix = randomUUID().slice(0, 8);
const DATA_BUCKET = process.env.S3_DATA_BUCKET ?? 'analytics-data';
const WEATHER_CSV = vegaDataFile('weather.csv');
/** The columns of weather.csv as the processor types them. */
const WEATHER_TYPES = [
  ['location', 'string'],
  ['date', 'date'],
  ['precipitation', 'float'],
  ['temp_max', 'float'],
  ['temp_min', 'float'],
  ['wind', 'float'],
  ['weather', 'string'],
];

/** Polls `check` until it returns a value other than undefined. */
async function until<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function csv(rows: number): Buffer {
  const lines = ['id,city,temperature,observed_at'];
  for (let i = 1; i <= rows; i += 1) {
    lines.push(
      `${i},City ${i},${(10 + i / 10).toFixed(1)},2026-11-24T10:${String(i % 60).padStart(2, '0')}:00Z`,
    );
  }
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

/** The first bytes of a PNG image: not UTF-8 text, whatever the file is called. */
const PNG = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
  0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
  0x89, 0x00, 0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
  0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
]);

describe('uploading data and following its processing', () => {
  let db: Client;
  let producer: Producer;
  let completions: Awaited<ReturnType<typeof listen>>;
  let s3: S3Client;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let adminId: string;
  /** Everything to remove afterwards. */
  const datasetIds = new Set<string>();
  const fileNames = new Set<string>();

  beforeAll(async () => {
    await assertPlatformReachable();
    const admin = adminCredentials();
    db = new Client({ connectionString: DATABASE_URL });
    await db.connect();
    const { rows } = await db.query<{ id: string }>(
      'SELECT id FROM identity.users WHERE email = $1',
      [admin.email],
    );
    if (!rows[0])
      throw new Error(`${admin.email} is not in ${DATABASE_URL}: is it the platform's?`);
    adminId = rows[0].id;
    producer = await connectProducer(`upload-e2e-${suffix}`);
    completions = await listen(`upload-e2e-${suffix}`, ['data.processing.complete']);
    s3 = connectS3();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const signIn = await context.newPage();
    await screenshotOnFailure(signIn, 'upload-sign-in', () => signInThroughPage(signIn, admin));
    await signIn.close();
  });

  afterAll(async () => {
    await browser?.close();
    if (db) {
      for (const id of datasetIds) {
        const { rows } = await db.query<{ raw_bucket: string | null; raw_key: string | null }>(
          'SELECT raw_bucket, raw_key FROM ingestion.datasets WHERE id = $1',
          [id],
        );
        const raw = rows[0];
        if (raw?.raw_bucket && raw.raw_key) {
          await deleteObject(s3, raw.raw_bucket, raw.raw_key).catch(() => undefined);
        }
        await db.query('DELETE FROM ingestion.uploads WHERE dataset_id = $1', [id]);
        await db.query('DELETE FROM ingestion.datasets WHERE id = $1', [id]);
      }
      // Refused or cancelled uploads: no data set, but an upload row each. The platform removed
      // their bytes; a PUT cut off by Cancel can still land in the local S3 server a moment after
      // that (see the cancel test), so the objects are removed here too.
      const { rows: uploads } = await db.query<{ bucket: string; object_key: string }>(
        'SELECT bucket, object_key FROM ingestion.uploads WHERE owner_id = $1 AND file_name = ANY($2)',
        [adminId, [...fileNames]],
      );
      for (const upload of uploads) {
        await deleteObject(s3, upload.bucket, upload.object_key).catch(() => undefined);
      }
      await db.query('DELETE FROM ingestion.uploads WHERE owner_id = $1 AND file_name = ANY($2)', [
        adminId,
        [...fileNames],
      ]);
      await db.end();
    }
    await producer?.disconnect();
    await completions?.stop();
    s3?.destroy();
  });

  async function newPage(): Promise<{ page: Page; problems: PageProblems }> {
    const page = await context.newPage();
    return { page, problems: watchPage(page) };
  }

  /** A second tab on the Datasets page, marked so that a reload would show. */
  async function openDatasetsList(): Promise<{ page: Page; problems: PageProblems }> {
    const list = await newPage();
    await list.page.goto(`${BASE_URL}/datasets`);
    await list.page
      .getByTestId('datasets-table')
      .or(list.page.getByTestId('datasets-empty'))
      .first()
      .waitFor();
    await list.page.evaluate(() => {
      (window as unknown as { __notReloaded?: boolean }).__notReloaded = true;
    });
    return list;
  }

  const notReloaded = (page: Page) =>
    page.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded === true);

  const datasetRow = (page: Page, id: string): Locator =>
    page.locator(`[data-testid="dataset-row"][data-dataset-id="${id}"]`);

  /** Opens the upload page from the Datasets page's button, as a user would. */
  async function openUploadPage(page: Page): Promise<void> {
    await page.goto(`${BASE_URL}/datasets`);
    await page.getByRole('link', { name: 'Upload data' }).first().click();
    await page.waitForURL('**/datasets/upload');
    await page.getByRole('heading', { level: 1, name: 'Upload data' }).waitFor();
  }

  /** Chooses the file in the picker, checks the guessed type, and starts the upload. */
  async function chooseAndUpload(
    page: Page,
    file: { name: string; mimeType: string; buffer: Buffer } | string,
    expectedType: string,
  ): Promise<void> {
    await page.getByLabel('File to upload').setInputFiles(file);
    const name = typeof file === 'string' ? path.basename(file) : file.name;
    fileNames.add(name);
    expect(await page.getByTestId('chosen-file-name').innerText()).toBe(name);
    expect(await page.getByLabel('File type').inputValue()).toBe(expectedType);
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
  }

  /** After a successful upload: the job the page follows, and its data set. */
  async function queuedJob(page: Page): Promise<{ jobId: string; datasetId: string }> {
    const panel = page.getByTestId('job-panel');
    const failed = page.getByTestId('upload-error');
    await panel.or(failed).first().waitFor({ timeout: 60_000 });
    if (await failed.isVisible()) throw new Error(`the upload failed: ${await failed.innerText()}`);
    const jobId = await panel.getAttribute('data-job-id');
    const datasetId = await until(
      'the data set id on the job panel',
      async () => (await panel.getAttribute('data-dataset-id')) ?? undefined,
    );
    if (!jobId) throw new Error('the job panel names no job');
    datasetIds.add(datasetId);
    return { jobId, datasetId };
  }

  test('a CSV goes up with its progress to 100 %, the job follows the processor to READY, and the open Datasets list shows it live', async () => {
    const list = await openDatasetsList();
    const { page, problems } = await newPage();
    // A real file: Seattle and New York weather, 2,922 rows (vega-datasets).
    const file = {
      name: `e2e-weather-${suffix}.csv`,
      mimeType: 'text/csv',
      buffer: readFileSync(WEATHER_CSV),
    };

    await screenshotOnFailure(page, 'upload-ready', async () => {
      await step('the Datasets page offers "Upload data" to an admin', async () => {
        await screenshotOnFailure(list.page, 'upload-ready-list', () =>
          list.page.getByTestId('upload-data').waitFor({ state: 'visible', timeout: 5_000 }),
        );
      });

      await step('open the upload page and upload the CSV', async () => {
        await openUploadPage(page);
        await chooseAndUpload(page, file, 'CSV');
      });

      const { jobId, datasetId } = await step(
        'the upload reaches 100 % and the job is created',
        async () => {
          const created = await queuedJob(page);
          const bar = page.getByRole('progressbar', { name: 'Upload progress' });
          expect(await bar.getAttribute('aria-valuenow')).toBe('100');
          expect(await page.getByTestId('upload-status').innerText()).toContain(
            'accepted the file',
          );
          // The real processor may already be at work, or done, by now.
          expect(['Queued', 'Processing', 'Ready']).toContain(
            await page.getByTestId('job-phase').innerText(),
          );
          return created;
        },
      );

      await step('PostgreSQL has the job, its data set and the completed upload', async () => {
        const { rows } = await db.query(
          `SELECT j.status AS job_status, j.owner_id, d.name, d.status, d.size_bytes, d.source_type,
                  u.status AS upload_status, u.content_type
             FROM ingestion.jobs j
             JOIN ingestion.datasets d ON d.id = j.dataset_id
             JOIN ingestion.uploads u ON u.job_id = j.id
            WHERE j.id = $1`,
          [jobId],
        );
        expect(rows[0]).toMatchObject({
          owner_id: adminId,
          name: file.name,
          source_type: 'CSV',
          upload_status: 'COMPLETED',
          content_type: 'text/csv',
        });
        expect(['QUEUED', 'PROCESSING', 'COMPLETED']).toContain(rows[0].job_status);
        expect(Number(rows[0].size_bytes)).toBe(file.buffer.length);
      });

      await step('the open Datasets list shows the new data set', async () => {
        const row = datasetRow(list.page, datasetId);
        await row.waitFor({ timeout: 30_000 });
        expect(await row.getByTestId('dataset-name').innerText()).toBe(file.name);
      });

      await step(
        'the processor completes: the page says READY and links to the data set',
        async () => {
          await page
            .getByTestId('job-phase')
            .filter({ hasText: 'Ready' })
            .waitFor({ timeout: 60_000 });
          expect(await page.getByTestId('job-status').innerText()).toBe(
            'Ready: 2,922 rows, 7 columns.',
          );
          expect(
            await page.locator('[data-testid="job-progress"]').getAttribute('aria-valuenow'),
          ).toBe('100');
          expect(await page.getByTestId('open-dataset').getAttribute('href')).toBe(
            `/datasets/${datasetId}`,
          );
        },
      );

      await step('the typed Parquet file is in S3 and the profile in PostgreSQL', async () => {
        const head = await s3.send(
          new HeadObjectCommand({
            Bucket: DATA_BUCKET,
            Key: `datasets/${datasetId}/v1/data.parquet`,
          }),
        );
        expect(head.ContentLength).toBeGreaterThan(0);
        const { rows } = await db.query(
          `SELECT row_count, column_count, columns FROM quality.profiles WHERE dataset_id = $1`,
          [datasetId],
        );
        expect(rows).toHaveLength(1);
        expect(Number(rows[0].row_count)).toBe(2922);
        expect(
          (rows[0].columns as { name: string; data_type: string }[]).map((c) => [
            c.name,
            c.data_type,
          ]),
        ).toEqual(WEATHER_TYPES);
      });

      await step('the profile is in the API, and the job had exactly one completion', async () => {
        const body = await page.evaluate(async (id) => {
          const response = await fetch('/graphql', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              query: `query($id: ID!) { dataset(id: $id) { profile {
                rowCount columnCount duplicateRows qualityScore columns { name dataType nullCount }
              } } }`,
              variables: { id },
            }),
          });
          return (await response.json()) as {
            data?: {
              dataset: {
                profile: {
                  rowCount: number;
                  columnCount: number;
                  columns: { name: string; dataType: string }[];
                };
              };
            };
          };
        }, datasetId);
        const profile = body.data?.dataset.profile;
        expect(profile).toMatchObject({ rowCount: 2922, columnCount: 7 });
        expect(profile?.columns.map((c) => [c.name, c.dataType])).toEqual(WEATHER_TYPES);
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        expect(completions.events.filter((e) => e.jobId === jobId)).toHaveLength(1);
      });

      await step(
        'the open Datasets list shows it READY, with its shape, without a reload',
        async () => {
          const row = datasetRow(list.page, datasetId);
          await row
            .getByTestId('dataset-status')
            .filter({ hasText: 'Ready' })
            .waitFor({ timeout: 30_000 });
          const cells = await row.getByRole('cell').allInnerTexts();
          expect(cells).toContain('2,922');
          expect(cells).toContain('7');
          expect(await notReloaded(list.page)).toBe(true);
        },
      );

      await step('the link opens the data set', async () => {
        await page.getByTestId('open-dataset').click();
        await page.waitForURL(`**/datasets/${datasetId}`);
        await page.getByRole('heading', { level: 1, name: file.name }).waitFor();
        expect(await page.getByTestId('dataset-shape').innerText()).toBe('2,922 × 7');
        expect(await page.getByTestId('dataset-status').innerText()).toBe('Ready');
      });

      await step('the data set page shows its profile, with charts', async () => {
        const profile = page.getByTestId('profile');
        await profile.waitFor({ timeout: 30_000 });
        expect(await page.getByTestId('quality-score').innerText()).toMatch(/\d+\s*\/ 100 quality/);
        const types = await page
          .getByTestId('profile-columns')
          .getByTestId('column-type')
          .allInnerTexts();
        expect(types).toEqual(WEATHER_TYPES.map(([, type]) => type));
        await page.locator('[data-testid="chart"] svg').first().waitFor({ timeout: 30_000 });
        expect(await page.locator('[data-testid="chart"] svg').count()).toBeGreaterThan(0);
      });

      expectNoProblems(problems);
      expectNoProblems(list.problems);
    });
    await page.close();
    await list.page.close();
  });

  test('a processing failure shows the processor’s reason on the page and in the open list', async () => {
    const list = await openDatasetsList();
    const { page, problems } = await newPage();
    // A header and no rows: the upload is accepted (it is CSV text), the processor refuses it.
    const file = {
      name: `e2e-broken-${suffix}.csv`,
      mimeType: 'text/csv',
      buffer: Buffer.from('id,city,temperature,observed_at\n', 'utf8'),
    };
    const reason =
      'The file has a header row (4 columns) but no data rows. Upload a file with at least one row of data.';

    await screenshotOnFailure(page, 'upload-failed', async () => {
      await openUploadPage(page);
      await chooseAndUpload(page, file, 'CSV');
      const { datasetId } = await queuedJob(page);

      await page
        .getByTestId('job-phase')
        .filter({ hasText: 'Failed' })
        .waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('job-error').innerText()).toBe(reason);
      const row = datasetRow(list.page, datasetId);
      await row
        .getByTestId('dataset-status')
        .filter({ hasText: 'Failed' })
        .waitFor({ timeout: 30_000 });
      expect(await row.getByTestId('dataset-error').innerText()).toBe(reason);
      expect(await notReloaded(list.page)).toBe(true);
      expectNoProblems(problems);
      expectNoProblems(list.problems);
    });
    await page.close();
    await list.page.close();
  });

  test('a PNG named data.csv is refused by the platform, and the page shows why', async () => {
    const { page, problems } = await newPage();
    const name = `e2e-picture-${suffix}.csv`;

    await screenshotOnFailure(page, 'upload-refused', async () => {
      await openUploadPage(page);
      await chooseAndUpload(page, { name, mimeType: 'image/png', buffer: PNG }, 'CSV');
      const error = page.getByTestId('upload-error');
      await error.or(page.getByTestId('job-panel')).first().waitFor({ timeout: 60_000 });
      expect(await error.isVisible()).toBe(true);
      expect(await error.getAttribute('role')).toBe('alert');
      expect(await error.innerText()).toContain('The file is not CSV text: it is not valid UTF-8.');
      // The file can be sent again (or another chosen) from here.
      expect(await page.getByRole('button', { name: 'Try again' }).isVisible()).toBe(true);

      const { rows } = await db.query(
        `SELECT status, rejection, dataset_id FROM ingestion.uploads
          WHERE owner_id = $1 AND file_name = $2`,
        [adminId, name],
      );
      expect(rows).toEqual([
        {
          status: 'REJECTED',
          rejection: 'The file is not CSV text: it is not valid UTF-8.',
          dataset_id: null,
        },
      ]);
      expectNoProblems(problems);
    });
    await page.close();
  });

  test('a file larger than one PUT goes in parallel parts, with their ETags, and is queued', async () => {
    const { page, problems } = await newPage();
    const dir = await mkdtemp(path.join(tmpdir(), 'upload-e2e-'));
    // Over ingestion's 64 MiB single-PUT limit: five parts of 16 MiB (the last one smaller), two
    // URLs signed up front (npm test's setting), the other three asked for while sending.
    const askedForUrls: string[] = [];
    page.on('request', (request) => {
      const body = request.postData() ?? '';
      if (request.method() === 'POST' && body.includes('uploadPartUrls')) askedForUrls.push(body);
    });
    const file = path.join(dir, `e2e-large-${suffix}.csv`);
    const line = Buffer.from('1,Somewhere,12.5,2026-11-24T10:00:00Z\n');
    const size = 70 * 1024 * 1024;
    const body = Buffer.alloc(size);
    const header = Buffer.from('id,city,temperature,observed_at\n');
    header.copy(body);
    for (let at = header.length; at < size; at += line.length) line.copy(body, at);
    body[size - 1] = 0x0a;
    await writeFile(file, body);

    try {
      await screenshotOnFailure(page, 'upload-multipart', async () => {
        await openUploadPage(page);
        await chooseAndUpload(page, file, 'CSV');
        const { jobId } = await queuedJob(page);
        expect(
          await page
            .getByRole('progressbar', { name: 'Upload progress' })
            .getAttribute('aria-valuenow'),
        ).toBe('100');
        const { rows } = await db.query(
          `SELECT u.part_count, u.status, d.size_bytes
             FROM ingestion.uploads u JOIN ingestion.datasets d ON d.id = u.dataset_id
            WHERE u.job_id = $1`,
          [jobId],
        );
        expect(rows[0]).toMatchObject({ part_count: 5, status: 'COMPLETED' });
        expect(Number(rows[0].size_bytes)).toBe(size);
        expect(askedForUrls).toHaveLength(1);
        expect(JSON.parse(askedForUrls[0]!).variables.partNumbers).toEqual([3, 4, 5]);
        expectNoProblems(problems);
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
      await page.close();
    }
  });

  test('Cancel stops a transfer under way, and the platform forgets the upload', async () => {
    const { page, problems } = await newPage();
    const name = `e2e-cancelled-${suffix}.csv`;
    await screenshotOnFailure(page, 'upload-cancel', async () => {
      await openUploadPage(page);
      // A slow line, so that the transfer is still under way when Cancel is pressed.
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: 256 * 1024,
      });
      await chooseAndUpload(page, { name, mimeType: 'text/csv', buffer: csv(120_000) }, 'CSV');
      const bar = page.getByRole('progressbar', { name: 'Upload progress' });
      const percent = await until('some of the file to be sent', async () => {
        const value = Number(await bar.getAttribute('aria-valuenow').catch(() => null));
        return value > 0 && value < 100 ? value : undefined;
      });
      expect(percent).toBeGreaterThan(0);
      await page.getByRole('button', { name: 'Cancel upload' }).click();
      await page.getByTestId('upload-cancelled').waitFor();
      expect(await page.getByRole('button', { name: 'Try again' }).isVisible()).toBe(true);

      const status = await until('the upload to be aborted', async () => {
        const { rows } = await db.query<{ status: string }>(
          'SELECT status FROM ingestion.uploads WHERE owner_id = $1 AND file_name = $2',
          [adminId, name],
        );
        return rows[0]?.status === 'ABORTED' ? rows[0].status : undefined;
      });
      expect(status).toBe('ABORTED');
      await cdp.detach();
      // The cancelled PUT shows as an aborted request, which watchPage leaves out on purpose.
      expectNoProblems(problems);
    });
    await page.close();
  });

  test('a deleted data set disappears from the open Datasets list', async () => {
    const id = randomUUID();
    const name = `e2e-deleted-${suffix}.csv`;
    await db.query(
      `INSERT INTO ingestion.datasets (id, owner_id, name, source_type, status, size_bytes)
       VALUES ($1, $2, $3, 'CSV', 'READY', 1234)`,
      [id, adminId, name],
    );
    datasetIds.add(id);
    const list = await openDatasetsList();
    await screenshotOnFailure(list.page, 'dataset-deleted', async () => {
      const row = datasetRow(list.page, id);
      await row.waitFor();
      // What ingestion announces when a data set is deleted (dataset.events, key: its id), sent
      // again every second until the page shows it: the list's subscription may still be starting.
      await db.query('DELETE FROM ingestion.datasets WHERE id = $1', [id]);
      await until(
        'the row to disappear',
        async () => {
          await produce(producer, 'dataset.events', id, {
            eventId: randomUUID(),
            occurredAt: new Date().toISOString(),
            datasetId: id,
            ownerId: adminId,
            kind: 'DELETED',
          });
          return row.waitFor({ state: 'detached', timeout: 1_000 }).then(
            () => true,
            () => undefined,
          );
        },
        30_000,
      );
      expect(await notReloaded(list.page)).toBe(true);
      expectNoProblems(list.problems);
    });
    await list.page.close();
  });
});
