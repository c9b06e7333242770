/**
 * The app end to end: Debian's Chromium against the running platform (gateway on E2E_BASE_URL,
 * serving the built app and /graphql), with rows written straight to PostgreSQL so the test knows
 * exactly what the Datasets page must show. The dataset comes from ingestion, its owner's email
 * from identity: the page proves the gateway joins the two.
 *
 * Every page needs a session: the browser context signs in once, through the sign-in page, as the
 * first admin (E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD), and each test's page shares its cookie.
 *
 * Needs: `npm run build -w client`, the local stack and the platform running (`npm start`).
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, screenshotOnFailure, watchPage, type PageProblems } from './browser';
import {
  adminCredentials,
  assertPlatformReachable,
  BASE_URL,
  DATABASE_URL,
  expectNoProblems,
  signInThroughPage,
} from './platform';

// Chromium start-up and page loads on a busy two-core machine.
jest.setTimeout(90_000);

const suffix = randomUUID().slice(0, 8);
const user = { id: randomUUID(), email: `e2e-${suffix}@example.test` };
const dataset = {
  id: randomUUID(),
  name: `e2e-weather-${suffix}.csv`,
  sizeBytes: 1_536_000,
  rowCount: 1461,
  columnCount: 6,
};

describe('the app through the gateway', () => {
  let db: Client | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext;

  beforeAll(async () => {
    await assertPlatformReachable();
    db = new Client({ connectionString: DATABASE_URL });
    await db.connect();
    await db.query('INSERT INTO identity.users (id, email) VALUES ($1, $2)', [user.id, user.email]);
    await db.query(
      `INSERT INTO ingestion.datasets
         (id, owner_id, name, source_type, status, size_bytes, row_count, column_count)
       VALUES ($1, $2, $3, 'CSV', 'READY', $4, $5, $6)`,
      [dataset.id, user.id, dataset.name, dataset.sizeBytes, dataset.rowCount, dataset.columnCount],
    );
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const signIn = await context.newPage();
    await screenshotOnFailure(signIn, 'sign-in', () =>
      signInThroughPage(signIn, adminCredentials()),
    );
    await signIn.close();
  });

  afterAll(async () => {
    await browser?.close();
    if (db) {
      await db.query('DELETE FROM ingestion.datasets WHERE id = $1', [dataset.id]);
      await db.query('DELETE FROM identity.users WHERE id = $1', [user.id]);
      await db.end();
    }
  });

  async function newPage(): Promise<{ page: Page; problems: PageProblems }> {
    const page = await context.newPage();
    return { page, problems: watchPage(page) };
  }

  test('the Datasets page lists a new dataset with its owner, fetched through the gateway', async () => {
    const { page, problems } = await newPage();
    await screenshotOnFailure(page, 'datasets', async () => {
      const graphql = page.waitForResponse(
        (response) =>
          new URL(response.url()).pathname === '/graphql' && response.request().method() === 'POST',
      );
      await page.goto(`${BASE_URL}/`);
      await page.waitForURL('**/datasets');
      expect((await graphql).status()).toBe(200);

      const row = page.locator(`[data-testid="dataset-row"][data-dataset-id="${dataset.id}"]`);
      const failure = page.getByTestId('datasets-error');
      try {
        await row.or(failure).first().waitFor({ timeout: 20_000 });
      } catch (error) {
        const shown = await page.getByTestId('dataset-name').allInnerTexts();
        throw new Error(
          `The Datasets page did not show ${dataset.name} within 20 s; it shows ` +
            (shown.length > 0 ? shown.join(', ') : 'no dataset rows'),
          { cause: error },
        );
      }
      if (await failure.isVisible()) {
        throw new Error(`The Datasets page shows an error: ${await failure.innerText()}`);
      }

      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Datasets');
      expect(await row.getByTestId('dataset-name').innerText()).toBe(dataset.name);
      expect(await row.getByTestId('dataset-owner').innerText()).toBe(user.email);
      expect(await row.getByTestId('dataset-status').innerText()).toBe('Ready');
      expect(await row.innerText()).toContain('1.5 MB');
      expect(await row.innerText()).toContain('1,461');
      expect(await page.getByTestId('nav-datasets').getAttribute('aria-current')).toBe('page');
      expectNoProblems(problems);
    });
    await page.close();
  });

  test('the navigation opens another page without reloading, and deep links work', async () => {
    const { page, problems } = await newPage();
    await screenshotOnFailure(page, 'navigation', async () => {
      await page.goto(`${BASE_URL}/datasets`);
      await page.getByTestId('nav-models').click();
      await page.waitForURL('**/models');
      // The URL changes before React renders the new route: wait for the heading itself.
      await page.getByRole('heading', { level: 1, name: 'Models', exact: true }).waitFor();
      await page.getByTestId('coming-soon').waitFor();
      expect(await page.getByTestId('nav-models').getAttribute('aria-current')).toBe('page');
      expect(await page.getByTestId('nav-datasets').getAttribute('aria-current')).toBe(null);

      // A reload on a client-side route: the gateway must answer with the app.
      await page.goto(`${BASE_URL}/insights`);
      await page.getByRole('heading', { level: 1, name: 'Insights', exact: true }).waitFor();

      await page.goto(`${BASE_URL}/no-such-page`);
      await page.getByTestId('not-found').waitFor();
      expectNoProblems(problems);
    });
    await page.close();
  });
});
