/**
 * Sign-in, the user menu, sign-out and the admin pages, end to end: Debian's Chromium against the
 * running platform, signing in through the sign-in page as the first admin (E2E_ADMIN_EMAIL,
 * E2E_ADMIN_PASSWORD), creating an analyst through Admin › Users and then signing in as that
 * analyst. Each test has its own browser context, so its own cookies.
 *
 * The analyst this test creates stays in identity: the audit trail is append-only and names it,
 * and its email is unique to the run, so runs do not disturb each other.
 *
 * Needs: `npm run build -w client`, the local stack and the platform running (`npm start`).
 */
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, screenshotOnFailure, watchPage, type PageProblems } from './browser';
import {
  adminCredentials,
  assertPlatformReachable,
  BASE_URL,
  expectNoProblems,
  SESSION_COOKIE,
  signInForm,
  signInThroughPage,
  submitSignIn,
  userMenu,
  type Credentials,
  step,
} from './platform';

// Chromium start-up, several sign-ins and page loads on a busy two-core machine.
jest.setTimeout(120_000);

describe('sign-in, the user menu and the admin pages', () => {
  let browser: Browser | undefined;
  let admin: Credentials;

  beforeAll(async () => {
    await assertPlatformReachable();
    admin = adminCredentials();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** A fresh browser context (no cookies) with one watched page. */
  async function freshPage(): Promise<{
    context: BrowserContext;
    page: Page;
    problems: PageProblems;
  }> {
    if (!browser) throw new Error('Chromium did not start');
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: 'en-US',
    });
    const page = await context.newPage();
    return { context, page, problems: watchPage(page) };
  }

  async function sessionCookie(context: BrowserContext) {
    return (await context.cookies(BASE_URL)).find((cookie) => cookie.name === SESSION_COOKIE);
  }

  test('a wrong password shows "Email or password is wrong." on the sign-in page', async () => {
    const { context, page, problems } = await freshPage();
    await screenshotOnFailure(page, 'wrong-password', async () => {
      await page.goto(`${BASE_URL}/sign-in`);
      const form = signInForm(page);
      await form.email.fill(admin.email);
      await form.password.fill(`${admin.password}-not-it`);
      await form.submit.click();

      await form.error.waitFor();
      expect(await form.error.getAttribute('role')).toBe('alert');
      expect(await form.error.innerText()).toContain('Email or password is wrong.');
      expect(new URL(page.url()).pathname).toBe('/sign-in');
      expect(await form.submit.isEnabled()).toBe(true);
      expect(await sessionCookie(context)).toBeUndefined();
      expectNoProblems(problems, { expect401: true });
    });
    await context.close();
  });

  test('an admin creates an analyst, finds it in the users table and the audit trail, signs out; the analyst sees no Admin link and /admin needs the admin role', async () => {
    const { context, page, problems } = await freshPage();
    const analyst: Credentials = {
      email: `analyst-${randomUUID().slice(0, 8)}@example.test`,
      password: `e2e-${randomUUID()}`,
    };

    await screenshotOnFailure(page, 'admin-journey', async () => {
      await step('sign in as the first admin', async () => {
        await signInThroughPage(page, admin);
        await page.waitForURL('**/datasets');
        const cookie = await sessionCookie(context);
        expect(cookie?.httpOnly).toBe(true);
        expect(cookie?.sameSite).toBe('Strict');
        // HttpOnly: the page's own script cannot see the session.
        expect(await page.evaluate(() => document.cookie)).not.toContain(SESSION_COOKIE);
      });

      await step('the user menu shows the admin', async () => {
        const menu = userMenu(page);
        expect(await menu.getByTestId('user-email').innerText()).toBe(admin.email);
        expect(await menu.getByTestId('user-access').innerText()).toMatch(/^admin · /);
      });

      await step('create an analyst in Admin › Users', async () => {
        await page
          .getByRole('navigation', { name: 'Main' })
          .getByRole('link', { name: 'Admin' })
          .click();
        await page.waitForURL('**/admin/users');
        await page.getByRole('heading', { level: 2, name: 'Users', exact: true }).waitFor();

        const form = page.getByRole('form', { name: 'Add a user' });
        await form.getByLabel('Email', { exact: true }).fill(analyst.email);
        await form.getByLabel('Password', { exact: true }).fill(analyst.password);
        await form.getByLabel('Role', { exact: true }).selectOption({ label: 'Analyst' });
        await form.getByLabel('Tier', { exact: true }).selectOption({ label: 'Free' });
        await form.getByRole('button', { name: 'Create user' }).click();

        const done = page.getByTestId('create-user-done');
        const failed = page.getByTestId('create-user-error');
        await done.or(failed).first().waitFor();
        if (await failed.isVisible()) {
          throw new Error(`creating the user failed: ${await failed.innerText()}`);
        }
        expect(await done.innerText()).toContain(analyst.email);
      });

      await step('the analyst is in the users table, without a reload', async () => {
        const table = page.getByRole('table', { name: 'Users, newest first' });
        const row = table.getByRole('row').filter({ hasText: analyst.email });
        await row.waitFor();
        expect(await page.getByLabel(`Role of ${analyst.email}`).inputValue()).toBe('ANALYST');
        expect(await page.getByLabel(`Tier of ${analyst.email}`).inputValue()).toBe('FREE');
        expect(await row.getByTestId('user-status').innerText()).toBe('Active');
      });

      await step('the audit trail shows the user.create event', async () => {
        await page
          .getByRole('navigation', { name: 'Admin sections' })
          .getByRole('link', { name: 'Audit trail' })
          .click();
        await page.waitForURL('**/admin/audit');
        const event = page
          .getByRole('table', { name: 'Audit trail, newest first' })
          .getByRole('row')
          .filter({ hasText: 'user.create' })
          .filter({ hasText: analyst.email });
        await event.waitFor();
        expect(await event.innerText()).toContain(admin.email); // the actor
        // The details cell lists the recorded JSON as terms and definitions (nested keys dotted).
        const terms = await event.getByRole('term').allInnerTexts();
        const values = await event.getByRole('definition').allInnerTexts();
        const detail = (name: string) =>
          values[terms.findIndex((term) => term === name || term.endsWith(`.${name}`))];
        expect(detail('email')).toBe(analyst.email);
        expect(detail('role')).toMatch(/^analyst$/i);
      });

      await step('sign out', async () => {
        await userMenu(page).getByRole('button', { name: 'Sign out' }).click();
        await page.waitForURL(
          (url) => url.pathname === '/sign-in' && url.searchParams.get('reason') === 'signed-out',
        );
        await page.getByText('You have signed out.').waitFor();
        expect(await sessionCookie(context)).toBeUndefined();
      });

      await step('without a session, /datasets leads to the sign-in page', async () => {
        await page.goto(`${BASE_URL}/datasets`);
        await page.waitForURL((url) => url.pathname === '/sign-in');
        await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
        expect(new URL(page.url()).searchParams.get('next')).toBe('/datasets');
      });

      await step('sign in as the analyst: back on /datasets', async () => {
        await submitSignIn(page, analyst);
        await page.waitForURL('**/datasets');
        const menu = userMenu(page);
        expect(await menu.getByTestId('user-email').innerText()).toBe(analyst.email);
        expect(await menu.getByTestId('user-access').innerText()).toBe('analyst · free');
      });

      await step('the analyst has no Admin link, and /admin needs the admin role', async () => {
        const nav = page.getByRole('navigation', { name: 'Main' });
        await nav.getByRole('link', { name: 'Datasets' }).waitFor();
        expect(await nav.getByRole('link', { name: 'Admin' }).count()).toBe(0);

        await page.goto(`${BASE_URL}/admin`);
        await page
          .getByRole('heading', { level: 2, name: 'This page needs the admin role' })
          .waitFor();
        expect(await page.getByRole('navigation', { name: 'Admin sections' }).count()).toBe(0);
        expect(await page.getByRole('table').count()).toBe(0);
      });

      expectNoProblems(problems, { expect401: true });
    });
    await context.close();
  });

  test('the sign-in page says why it opened, and a next that leaves the site is ignored', async () => {
    const { context, page, problems } = await freshPage();
    await screenshotOnFailure(page, 'sign-in-reason', async () => {
      await page.goto(`${BASE_URL}/sign-in?reason=expired&next=%2F%2Fevil.example`);
      const form = signInForm(page);
      await form.email.waitFor();
      expect(await form.email.getAttribute('type')).toBe('email');
      expect(await form.password.getAttribute('type')).toBe('password');
      expect(await page.getByRole('status').first().innerText()).toBe(
        'Your session has expired. Sign in again.',
      );
      // A next that leaves the origin is dropped: signing in goes home, never elsewhere.
      await submitSignIn(page, admin);
      expect(new URL(page.url()).origin).toBe(new URL(BASE_URL).origin);
      await page.waitForURL('**/datasets');
      expectNoProblems(problems, { expect401: true });
    });
    await context.close();
  });
});
