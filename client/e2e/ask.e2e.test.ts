/**
 * Asking questions about data, end to end: Debian's Chromium signs in as the first admin, uploads
 * a real CSV (Seattle's weather, vega-datasets) through Datasets › Upload data, waits for the real
 * processor to make it READY, opens the Ask page from the data set's "Ask a question" link and
 * asks in plain language. The answers come from the running platform: the query subgraph's
 * built-in engine, its checks and its DuckDB warehouse over the processor's Parquet.
 *
 * Checked: the SQL, a table of the expected 5 rows, the explanation and a drawn chart; a follow-up
 * ("and by year?") shown with what it was understood as; a question the data cannot answer shows
 * the reason and suggestions that ask when pressed; the history, "Mark as verified" (in
 * PostgreSQL too), "Check SQL", SQL edited and run by hand, and SQL the platform refuses to run.
 *
 * Everything the test creates (data set, upload, objects, profile, saved questions) is removed.
 *
 * Needs: `npm run build -w client`, the local stack and the platform running (`npm start`) with its
 * processor, whose S3 CORS origin is the platform's URL (infra/env.sh: S3_CORS_ORIGIN).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { Client } from 'pg';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium, screenshotOnFailure, watchPage } from './browser';
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
import { connectS3, deleteObject } from './stack';

// An upload, the processor and a dozen questions on a busy two-core machine.
jest.setTimeout(240_000);

const suffix = randomUUID().slice(0, 8);
const DATA_BUCKET = process.env.S3_DATA_BUCKET ?? 'analytics-data';
const SEATTLE_WEATHER = vegaDataFile('seattle-weather.csv');
/** The five values of seattle-weather.csv's `weather` column. */
const WEATHER_TYPES = ['drizzle', 'fog', 'rain', 'snow', 'sun'];

describe('asking questions about a data set', () => {
  let db: Client;
  let s3: S3Client;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let adminId: string;
  const fileName = `e2e-ask-weather-${suffix}.csv`;
  let datasetId: string | undefined;

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
    s3 = connectS3();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const signIn = await context.newPage();
    await screenshotOnFailure(signIn, 'ask-sign-in', () => signInThroughPage(signIn, admin));
    await signIn.close();
  });

  afterAll(async () => {
    await browser?.close();
    if (db) {
      const { rows: uploads } = await db.query<{ bucket: string; object_key: string }>(
        'SELECT bucket, object_key FROM ingestion.uploads WHERE owner_id = $1 AND file_name = $2',
        [adminId, fileName],
      );
      for (const upload of uploads) {
        await deleteObject(s3, upload.bucket, upload.object_key).catch(() => undefined);
      }
      if (datasetId) {
        // The processor's Parquet (one object per version) under the data set's prefix.
        const listed = await s3
          .send(new ListObjectsV2Command({ Bucket: DATA_BUCKET, Prefix: `datasets/${datasetId}/` }))
          .catch(() => undefined);
        for (const object of listed?.Contents ?? []) {
          if (object.Key) await deleteObject(s3, DATA_BUCKET, object.Key).catch(() => undefined);
        }
        await db.query('DELETE FROM query.queries WHERE dataset_id = $1', [datasetId]);
        await db.query('DELETE FROM quality.processing_runs WHERE dataset_id = $1', [datasetId]);
        await db.query('DELETE FROM quality.profiles WHERE dataset_id = $1', [datasetId]);
      }
      await db.query('DELETE FROM ingestion.uploads WHERE owner_id = $1 AND file_name = $2', [
        adminId,
        fileName,
      ]);
      if (datasetId) await db.query('DELETE FROM ingestion.datasets WHERE id = $1', [datasetId]);
      await db.end();
    }
    s3?.destroy();
  });

  /** The question box: types `question` and sends it with Enter, as a person would. */
  async function ask(page: Page, question: string): Promise<void> {
    const box = page.getByLabel('Your question', { exact: true });
    await box.fill(question);
    await box.press('Enter');
  }

  /** Waits for `what` to show, or fails with the error the page shows instead. */
  async function shows(page: Page, what: Locator, timeout = 60_000): Promise<void> {
    const failed = page.getByTestId('ask-error');
    await what.or(failed).first().waitFor({ timeout });
    if (await failed.isVisible()) throw new Error(`the page shows: ${await failed.innerText()}`);
  }

  const resultRows = (page: Page) => page.getByTestId('results-table').getByTestId('result-row');

  /** The newest history entry whose question is exactly `question`. */
  const historyEntry = (page: Page, question: string): Locator =>
    page
      .getByTestId('history-item')
      .filter({ has: page.getByTestId('history-question').getByText(question, { exact: true }) })
      .first();

  test('upload a CSV, ask about it, follow up, hit a question it cannot answer, and check the SQL', async () => {
    const page = await context.newPage();
    const problems = watchPage(page);

    await screenshotOnFailure(page, 'ask', async () => {
      datasetId = await step(
        'upload the CSV and wait for the processor to make it READY',
        async () => {
          await page.goto(`${BASE_URL}/datasets/upload`);
          await page.getByRole('heading', { level: 1, name: 'Upload data' }).waitFor();
          await page.getByLabel('File to upload').setInputFiles({
            name: fileName,
            mimeType: 'text/csv',
            buffer: readFileSync(SEATTLE_WEATHER),
          });
          expect(await page.getByLabel('File type').inputValue()).toBe('CSV');
          await page.getByRole('button', { name: 'Upload', exact: true }).click();
          const panel = page.getByTestId('job-panel');
          const failed = page.getByTestId('upload-error');
          await panel.or(failed).first().waitFor({ timeout: 60_000 });
          if (await failed.isVisible())
            throw new Error(`the upload failed: ${await failed.innerText()}`);
          await page.getByTestId('job-phase').filter({ hasText: 'Ready' }).waitFor({
            timeout: 120_000,
          });
          const id = await panel.getAttribute('data-dataset-id');
          if (!id) throw new Error('the job panel names no data set');
          return id;
        },
      );

      await step('the data set page links to the Ask page for it', async () => {
        await page.goto(`${BASE_URL}/datasets/${datasetId}`);
        const link = page.getByRole('link', { name: 'Ask a question' });
        await link.waitFor({ timeout: 30_000 });
        await link.click();
        await page.waitForURL(`**/ask?dataset=${datasetId}`);
        await page.getByRole('heading', { level: 1, name: 'Ask' }).waitFor();
        expect(await page.getByLabel('Data set').inputValue()).toBe(datasetId);
        // Questions to start from, made from the data set's columns.
        await page.getByTestId('ask-suggestions').getByRole('button').first().waitFor();
      });

      await step('a question: the SQL, 5 rows, the explanation and a chart', async () => {
        await ask(page, 'average temp_max by weather');
        await shows(page, page.getByTestId('answer'));
        const sql = await page.getByLabel(/^SQL/).inputValue();
        expect(sql).toMatch(/avg\(\s*"?temp_max"?\s*\)/i);
        expect(sql).toMatch(/group by/i);
        await resultRows(page).first().waitFor();
        expect(await resultRows(page).count()).toBe(5);
        const headers = await page.getByTestId('results-table').locator('thead th').allInnerTexts();
        expect(headers[0]).toBe('weather');
        const firstCells = await resultRows(page).locator('td:first-child').allInnerTexts();
        expect([...firstCells].sort()).toEqual(WEATHER_TYPES);
        // The average is a number: right-aligned, and formatted (at most four decimals).
        const average = resultRows(page).first().locator('td').nth(1);
        expect(await average.getAttribute('class')).toContain('num');
        expect(await average.innerText()).toMatch(/^-?\d+(\.\d{1,4})?$/);
        expect(await page.getByTestId('results-count').innerText()).toBe('5 rows');
        expect((await page.getByTestId('answer-explanation').innerText()).length).toBeGreaterThan(
          10,
        );
        expect(await page.getByTestId('answer-engine').innerText()).toBe('Built-in engine');
        expect(await page.getByTestId('answer-time').innerText()).toMatch(/^Ran in /);
        await page
          .getByTestId('answer-chart')
          .locator('[data-testid="chart"] svg, [data-testid="chart"] canvas')
          .first()
          .waitFor({ timeout: 30_000 });
        expect(await page.getByTestId('ask-status').innerText()).toBe('Answered with 5 rows.');
        const save = page.getByRole('button', { name: 'Save to dashboard' });
        expect(await save.isDisabled()).toBe(true);
        expect(await save.getAttribute('title')).toBe('Dashboards come in a later release.');
      });

      await step('the question is on top of the history', async () => {
        await page
          .getByTestId('history-item')
          .first()
          .getByTestId('history-question')
          .getByText('average temp_max by weather', { exact: true })
          .waitFor();
      });

      await step('a follow-up is shown with what it was understood as', async () => {
        expect(await page.getByTestId('follows-up').innerText()).toContain(
          'average temp_max by weather',
        );
        await ask(page, 'and by year?');
        await shows(page, page.getByTestId('understood-as'));
        const understood = await page.getByTestId('understood-as').innerText();
        expect(understood).toMatch(/^Understood as: /);
        expect(understood).toMatch(/year/i);
        expect(await page.getByLabel(/^SQL/).inputValue()).toMatch(/year/i);
        expect(await resultRows(page).count()).toBeGreaterThan(0);
      });

      await step('a question the data cannot answer: the reason and suggestions', async () => {
        await ask(page, 'what is the meaning of life?');
        await shows(page, page.getByTestId('cannot-answer'));
        expect(
          (await page.getByTestId('cannot-answer-reason').innerText()).trim().length,
        ).toBeGreaterThan(0);
        const suggestions = page.getByTestId('cannot-answer-suggestions').getByRole('button');
        expect(await suggestions.count()).toBeGreaterThan(0);
        // A suggestion asks itself.
        const suggestion = (await suggestions.first().innerText()).trim();
        await suggestions.first().click();
        await shows(page, page.getByTestId('answer'));
        expect(await page.getByLabel('Your question', { exact: true }).inputValue()).toBe(
          suggestion,
        );
      });

      await step('"New conversation" ends the follow-ups', async () => {
        await page.getByRole('button', { name: 'New conversation' }).click();
        await page.getByTestId('follows-up').waitFor({ state: 'detached' });
        expect(await page.getByTestId('answer').count()).toBe(0);
      });

      await step('an entry of the history is marked verified (and stored so)', async () => {
        const entry = historyEntry(page, 'average temp_max by weather');
        const verify = entry.getByTestId('verify-answer');
        expect(await verify.getAttribute('aria-pressed')).toBe('false');
        expect(await verify.getAttribute('title')).toMatch(/teach the language model/);
        await verify.click();
        await entry.locator('[data-testid="verify-answer"][aria-pressed="true"]').waitFor();
        const id = await entry.getAttribute('data-saved-query-id');
        const { rows } = await db.query<{ verified: boolean }>(
          'SELECT verified FROM query.queries WHERE id = $1',
          [id],
        );
        expect(rows[0]?.verified).toBe(true);
      });

      await step('a history entry puts its question and SQL back; "Check SQL" passes', async () => {
        await historyEntry(page, 'average temp_max by weather')
          .getByRole('button', { name: /^Put back:/ })
          .click();
        await page.getByTestId('restored').waitFor();
        expect(await page.getByLabel('Your question', { exact: true }).inputValue()).toBe(
          'average temp_max by weather',
        );
        expect(await page.getByLabel(/^SQL/).inputValue()).toMatch(/avg\(/i);
        await page.getByRole('button', { name: 'Check SQL' }).click();
        await page.getByText('The SQL passes the checks.').waitFor();
      });

      await step('SQL edited by hand runs (admins may), and is marked so', async () => {
        await page
          .getByLabel(/^SQL/)
          .fill('SELECT weather, count(*) AS days FROM data GROUP BY weather ORDER BY weather');
        await page.getByRole('button', { name: 'Run edited SQL' }).click();
        await shows(
          page,
          page.getByTestId('answer-engine').filter({ hasText: 'SQL edited by hand' }),
        );
        expect(await resultRows(page).locator('td:first-child').allInnerTexts()).toEqual(
          WEATHER_TYPES,
        );
        // BIGINT counts arrive as text; they are shown as numbers, right-aligned.
        expect(await resultRows(page).locator('td:nth-child(2)').allInnerTexts()).toEqual([
          '53',
          '101',
          '641',
          '26',
          '640',
        ]);
      });

      await step(
        'SQL the checks refuse: "Check SQL" lists why, running it is refused',
        async () => {
          await page.getByLabel(/^SQL/).fill('DELETE FROM data');
          await page.getByRole('button', { name: 'Check SQL' }).click();
          const reasons = page.getByTestId('sql-check-errors').getByRole('listitem');
          await reasons.first().waitFor();
          expect(await reasons.count()).toBeGreaterThan(0);
          await page.getByRole('button', { name: 'Run edited SQL' }).click();
          const error = page.getByTestId('ask-error');
          await error.waitFor();
          expect(await error.getAttribute('role')).toBe('alert');
          expect(await error.getByRole('heading').innerText()).toBe('The SQL cannot run');
          expect(
            await error.getByTestId('sql-errors').getByRole('listitem').count(),
          ).toBeGreaterThan(0);
          expect(await error.getByTestId('error-code').innerText()).toBe('BAD_USER_INPUT');
        },
      );

      expectNoProblems(problems);
    });
    await page.close();
  });

  test('an unknown data set reads as not found, with the picker to choose another', async () => {
    const page = await context.newPage();
    const problems = watchPage(page);
    await screenshotOnFailure(page, 'ask-not-found', async () => {
      await page.goto(`${BASE_URL}/ask?dataset=${randomUUID()}`);
      await page.getByTestId('ask-dataset-missing').waitFor();
      expect(await page.getByLabel('Data set').isVisible()).toBe(true);
      expectNoProblems(problems);
    });
    await page.close();
  });
});
