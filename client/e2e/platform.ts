/**
 * What every end-to-end test needs from the running platform: where it is, that it is up, the
 * first admin's credentials, signing in through the sign-in page, the page-problem check, the
 * real data files tests upload, and named journey steps.
 */
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { PageProblems } from './browser';

export const BASE_URL = (process.env.E2E_BASE_URL ?? 'http://127.0.0.1:4000').replace(/\/+$/, '');
export const DATABASE_URL =
  process.env.DATABASE_URL ?? 'postgres://platform:platform@127.0.0.1:5432/platform';

/** A real data file of the `vega-datasets` package, e.g. `weather.csv`. */
export const vegaDataFile = (name: string) =>
  path.join(__dirname, '..', '..', 'node_modules', 'vega-datasets', 'data', name);

/** Runs one step of a journey; a failure says which step it was. */
export async function step<T>(name: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof Error) error.message = `${name}: ${error.message}`;
    throw error;
  }
}

/** The session cookie the gateway sets (HttpOnly: only the browser, never the app, can read it). */
export const SESSION_COOKIE = 'platform_session';

export interface Credentials {
  email: string;
  password: string;
}

/** The first admin, which `npm start` creates and prints. */
export function adminCredentials(): Credentials {
  const email = process.env.E2E_ADMIN_EMAIL;
  const password = process.env.E2E_ADMIN_PASSWORD;
  if (!email || !password) {
    throw new Error(
      'Set E2E_ADMIN_EMAIL and E2E_ADMIN_PASSWORD to the first admin that `npm start` printed: ' +
        'every page of the app needs a session.',
    );
  }
  return { email, password };
}

/** Fails with a message that says what to do, rather than a timeout, when nothing is listening. */
export async function assertPlatformReachable(): Promise<void> {
  let status: number;
  try {
    status = (await fetch(`${BASE_URL}/healthz`, { signal: AbortSignal.timeout(5000) })).status;
  } catch (error) {
    const reason = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    throw new Error(
      `The gateway is not reachable at ${BASE_URL} (${String(reason)}). ` +
        'Start the platform with `npm start` (or set E2E_BASE_URL) before running the e2e tests.',
      { cause: error },
    );
  }
  if (status !== 200) {
    throw new Error(`The gateway at ${BASE_URL} answered /healthz with HTTP ${status}.`);
  }
  const html = await (
    await fetch(`${BASE_URL}/`, {
      headers: { accept: 'text/html' },
      signal: AbortSignal.timeout(5000),
    })
  ).text();
  if (!html.includes('id="root"')) {
    throw new Error(
      `The gateway at ${BASE_URL} does not serve the app on / (build it: npm run build -w client).`,
    );
  }
}

/** The sign-in form's parts, by their labels and roles. */
export function signInForm(page: Page): {
  email: Locator;
  password: Locator;
  submit: Locator;
  error: Locator;
} {
  return {
    email: page.getByLabel('Email', { exact: true }),
    password: page.getByLabel('Password', { exact: true }),
    submit: page.getByRole('button', { name: 'Sign in', exact: true }),
    error: page.getByTestId('sign-in-error'),
  };
}

/** The header's user menu of a signed-in page. */
export function userMenu(page: Page): Locator {
  return page.getByRole('group', { name: 'Your account' });
}

/**
 * Fills and sends the sign-in form of the page that is open, then waits for the signed-in shell;
 * if the form answers with an error instead, fails with that error's text.
 */
export async function submitSignIn(page: Page, credentials: Credentials): Promise<void> {
  const form = signInForm(page);
  await form.email.fill(credentials.email);
  await form.password.fill(credentials.password);
  await form.submit.click();
  const menu = userMenu(page);
  await menu.or(form.error).first().waitFor({ timeout: 20_000 });
  if (await form.error.isVisible()) {
    throw new Error(`Signing in as ${credentials.email} failed: ${await form.error.innerText()}`);
  }
}

/** Opens the sign-in page and signs in; the browser context then holds the session cookie. */
export async function signInThroughPage(page: Page, credentials: Credentials): Promise<void> {
  await page.goto(`${BASE_URL}/sign-in`);
  await signInForm(page).email.waitFor();
  await submitSignIn(page, credentials);
}

/** `401 POST http://host/graphql` as `watchPage` records it, for these paths only. */
function isExpected401Response(line: string, paths: ReadonlySet<string>): boolean {
  const match = /^401 POST (\S+)$/.exec(line);
  return match !== null && paths.has(new URL(match[1] ?? '').pathname);
}

/** Chromium's own console line for a 401 answer: "Failed to load resource: ... 401 ... (url:0)". */
function isExpected401Console(line: string, paths: ReadonlySet<string>): boolean {
  const match =
    /^Failed to load resource: the server responded with a status of 401 \([^)]*\) \((\S+):\d+\)$/.exec(
      line,
    );
  return match !== null && paths.has(new URL(match[1] ?? '').pathname);
}

const SESSION_PATHS: ReadonlySet<string> = new Set(['/graphql', '/auth/session']);

/**
 * Asserts the page logged no errors and got no failed or >= 400 responses.
 *
 * `expect401: true` lets through the 401s a session's edges cause on purpose, and only those: the
 * sign-in page asks `me` to learn whether someone is signed in (401 when not), a wrong password
 * answers 401 on POST /auth/session, and a page opened without a session gets 401 on /graphql
 * before the app leaves for the sign-in page. Chromium logs each such answer as a console error.
 */
export function expectNoProblems(problems: PageProblems, { expect401 = false } = {}): void {
  const remaining: PageProblems = expect401
    ? {
        ...problems,
        consoleErrors: problems.consoleErrors.filter(
          (line) => !isExpected401Console(line, SESSION_PATHS),
        ),
        httpErrors: problems.httpErrors.filter(
          (line) => !isExpected401Response(line, SESSION_PATHS),
        ),
      }
    : problems;
  expect(remaining).toEqual({
    consoleErrors: [],
    pageErrors: [],
    failedRequests: [],
    httpErrors: [],
  });
}
