/**
 * Chromium for end-to-end tests: Debian's own package driven by playwright-core, never a
 * downloaded browser. Playwright gives every launch a fresh temporary profile.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Flags that keep a headless Chromium quiet on a machine without network beyond loopback. */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
] as const;

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium was not found at ${executablePath}. Install Debian's package ` +
        '(infra/install.sh does, or `apt-get install chromium`) or set CHROMIUM_PATH.',
    );
  }
  return chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS] });
}

/** What went wrong in a page while a test drove it. */
export interface PageProblems {
  /** console.error calls and messages the browser itself logged as errors. */
  consoleErrors: string[];
  /** Uncaught exceptions in the page. */
  pageErrors: string[];
  /**
   * Requests that got no response (refused, reset, blocked). Aborted ones are left out: leaving a
   * page cancels its in-flight queries, which is intended.
   */
  failedRequests: string[];
  /** Responses with status >= 400, navigations excluded (a 404 page may legitimately be one). */
  httpErrors: string[];
}

/** Starts recording a page's problems; read the returned object at the end of the test. */
export function watchPage(page: Page): PageProblems {
  const problems: PageProblems = {
    consoleErrors: [],
    pageErrors: [],
    failedRequests: [],
    httpErrors: [],
  };
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const { url, lineNumber } = message.location();
    problems.consoleErrors.push(url ? `${message.text()} (${url}:${lineNumber})` : message.text());
  });
  page.on('pageerror', (error) => problems.pageErrors.push(error.message));
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? 'failed';
    if (reason === 'net::ERR_ABORTED') return;
    problems.failedRequests.push(`${request.method()} ${request.url()}: ${reason}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && !response.request().isNavigationRequest()) {
      problems.httpErrors.push(
        `${response.status()} ${response.request().method()} ${response.url()}`,
      );
    }
  });
  return problems;
}

/** `test-results/` at the repository root (git-ignored). */
export const RESULTS_DIR = path.resolve(__dirname, '../../test-results');

/** Saves a full-page PNG to test-results/ and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name.replace(/[^a-z0-9-]+/gi, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Runs `body`; if it throws, saves a screenshot of the page first and names it in the error. */
export async function screenshotOnFailure<T>(
  page: Page,
  name: string,
  body: () => Promise<T>,
): Promise<T> {
  try {
    return await body();
  } catch (error) {
    const file = await saveScreenshot(page, `failure-${name}`).catch(() => undefined);
    if (error instanceof Error) {
      // CI keeps the log, not the PNG: say where the page was and what it showed.
      const shown = await page
        .evaluate(() => document.body?.innerText ?? '')
        .catch(() => '(page unreadable)');
      error.message += `\n(page: ${page.url()}, showing: ${JSON.stringify(shown.slice(0, 400))})`;
      if (file) error.message += `\n(screenshot: ${file})`;
    }
    throw error;
  }
}
