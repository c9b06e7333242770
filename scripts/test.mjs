// @ts-check
/**
 * `npm test`: sets up exactly as `npm start` does (install, local stack, migrate, build), then runs
 * every suite: static checks (types, lint, format, supergraph freshness), Jest unit + property +
 * integration tests against the real stack, the processor's cargo tests, and the end-to-end tests
 * in Chromium against the platform started by the real `npm start` on ports 4100+ (so it can run
 * beside a developer's own `npm start`), checking a second start starts nothing and Ctrl-C stops all.
 * Ends with one line: `tests: N passed, N failed`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, stackEnv } from './lib/env.mjs';
import { run, setUp } from './lib/steps.mjs';
import { createRequire } from 'node:module';

const E2E_PORT_OFFSET = 100;
const env = stackEnv({ NODE_ENV: 'test' });
const resultsDir = join(ROOT, 'test-results');
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

/** @type {{ suite: string, passed: number, failed: number }[]} */
const totals = [];

/** A check that is one test: passes if the command exits 0. @param {string} name @param {string} cmd @param {string[]} args */
function check(name, cmd, args) {
  try {
    run(name, cmd, args, env);
    totals.push({ suite: name, passed: 1, failed: 0 });
  } catch (error) {
    console.error(String(error));
    totals.push({ suite: name, passed: 0, failed: 1 });
  }
}

/** Runs Jest projects and counts their tests from Jest's JSON report. @param {string} suite @param {string[]} projects @param {Record<string, string>} extraEnv */
function jest(suite, projects, extraEnv = {}) {
  const output = join(resultsDir, `jest-${suite}.json`);
  console.log(`\n▶ jest: ${projects.join(', ')}`);
  // --forceExit: a connection some test left open (a Kafka client, once) must not hang CI for
  // ever once every test has run and the report is written; `--detectOpenHandles` finds it.
  const result = spawnSync(
    'npx',
    [
      'jest',
      '--selectProjects',
      ...projects,
      '--json',
      `--outputFile=${output}`,
      '--runInBand',
      '--forceExit',
    ],
    { cwd: ROOT, env: { ...env, ...extraEnv }, stdio: 'inherit' },
  );
  if (!existsSync(output)) {
    totals.push({ suite, passed: 0, failed: 1 });
    console.error(`jest ${suite}: no report (exit ${result.status})`);
    return;
  }
  const report = JSON.parse(readFileSync(output, 'utf8'));
  // A suite that failed to load counts as a failure even though it ran no test.
  const brokenSuites = report.numRuntimeErrorTestSuites ?? 0;
  totals.push({
    suite,
    passed: report.numPassedTests,
    failed: report.numFailedTests + brokenSuites,
  });
  if (report.numTotalTests === 0) {
    console.error(`jest ${suite}: ran no test`);
    totals.push({ suite: `${suite} (ran nothing)`, passed: 0, failed: 1 });
  }
}

/** cargo test in processor/, counting its "test result:" lines. */
function cargoTest() {
  console.log('\n▶ cargo test (processor)');
  const result = spawnSync(
    'cargo',
    ['test', '--locked', '--manifest-path', 'processor/Cargo.toml'],
    {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  process.stdout.write(result.stdout ?? '');
  let passed = 0;
  let failed = 0;
  for (const match of (result.stdout ?? '').matchAll(
    /test result: \w+\. (\d+) passed; (\d+) failed/g,
  )) {
    passed += Number(match[1]);
    failed += Number(match[2]);
  }
  if (result.status !== 0 && failed === 0) failed = 1;
  if (passed + failed === 0) failed = 1;
  totals.push({ suite: 'processor (cargo test)', passed, failed });
}

/** Records one named check as a test. @param {string} suite @param {boolean} ok @param {string} [why] */
function record(suite, ok, why = '') {
  totals.push({ suite, passed: ok ? 1 : 0, failed: ok ? 0 : 1 });
  console.log(`${ok ? '✔' : '✖'} ${suite}${why ? `: ${why}` : ''}`);
}

/**
 * End to end through the real `npm start` (scripts/start.mjs) on ports moved by 100: it must come
 * up and print its URL, a second one must start nothing, the Chromium suite runs against it, and
 * Ctrl-C (SIGINT) must stop everything it started.
 */
/**
 * A fresh database for the end-to-end platform, so `npm start` finds no admin and creates (and
 * prints) the first one, exactly as on a new machine. @returns {Promise<string>} its URL
 */
async function freshE2eDatabase() {
  // Loaded here, not at the top: on a fresh clone `pg` exists only once set-up has installed it.
  const pg = createRequire(import.meta.url)('pg');
  const url = new URL(env.DATABASE_URL ?? 'postgres://platform:platform@127.0.0.1:5432/platform');
  const client = new pg.Client({ connectionString: url.href });
  await client.connect();
  try {
    await client.query('DROP DATABASE IF EXISTS platform_e2e WITH (FORCE)');
    await client.query('CREATE DATABASE platform_e2e');
  } finally {
    await client.end();
  }
  url.pathname = '/platform_e2e';
  return url.href;
}

async function endToEnd() {
  const databaseUrl = await freshE2eDatabase();
  const startEnv = {
    ...env,
    DATABASE_URL: databaseUrl,
    PLATFORM_PORT_OFFSET: String(E2E_PORT_OFFSET),
    PLATFORM_PROCESSOR_PROFILE: 'dev',
    // Two part URLs up front: the app's multipart upload asks uploadPartUrls for the others, as
    // for any file of more than 8 parts at the defaults.
    UPLOAD_PART_URLS_UP_FRONT: '2',
    // Its own rate-limit counters: runs a few minutes apart must not share sign-in limits.
    RATE_LIMIT_PREFIX: `rl-e2e-${Date.now().toString(36)}`,
  };
  const log = join(resultsDir, 'npm-start.log');
  const out = openSync(log, 'w');
  const first = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: ROOT,
    env: startEnv,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  const url = await new Promise((resolve) => {
    const deadline = Date.now() + 10 * 60_000;
    const timer = setInterval(() => {
      const match = readFileSync(log, 'utf8').match(/The platform is running: open (\S+)/);
      if (match || first.exitCode !== null || Date.now() > deadline) {
        clearInterval(timer);
        resolve(match?.[1]);
      }
    }, 250);
  });
  record(
    'npm start brings the platform up and prints its URL',
    typeof url === 'string',
    url ? String(url) : `see ${log}`,
  );
  if (typeof url !== 'string') {
    first.kill('SIGINT');
    return;
  }

  const second = spawnSync(process.execPath, ['scripts/start.mjs'], {
    cwd: ROOT,
    env: startEnv,
    encoding: 'utf8',
    timeout: 120_000,
  });
  record(
    'a second npm start starts nothing and says where the first is',
    second.status === 0 && /already running/.test(second.stdout) && second.stdout.includes(url),
    second.stdout.trim().split('\n').at(-1),
  );

  const admin = readFileSync(log, 'utf8').match(/email:\s+(\S+)\n\s+password:\s+(\S+)/);
  record(
    'npm start creates the first admin on a new database and prints it',
    admin !== null,
    admin ? String(admin[1]) : `no credentials in ${log}`,
  );
  jest('e2e', ['e2e'], {
    E2E_BASE_URL: url,
    DATABASE_URL: databaseUrl,
    E2E_ADMIN_EMAIL: admin?.[1] ?? '',
    E2E_ADMIN_PASSWORD: admin?.[2] ?? '',
  });

  const exited = new Promise((resolve) => first.once('exit', (code) => resolve(code)));
  first.kill('SIGINT');
  const code = await Promise.race([
    exited,
    new Promise((resolve) => setTimeout(() => resolve('timeout'), 60_000)),
  ]);
  const gatewayDown = await fetch(`${url}/healthz`).then(
    () => false,
    () => true,
  );
  record(
    'Ctrl-C stops what npm start started',
    code === 0 && gatewayDown,
    `exit ${code}, gateway ${gatewayDown ? 'stopped' : 'still answering'}`,
  );
}

const started = Date.now();
let setUpOk = true;
try {
  // The processor's dev build: the integration tests run it, and cargo test and the end-to-end
  // platform reuse it.
  setUp(env, { processorProfile: 'dev' });
} catch (error) {
  console.error(`\nnpm test: set-up failed: ${error instanceof Error ? error.message : error}`);
  totals.push({ suite: 'set-up', passed: 0, failed: 1 });
  setUpOk = false;
}
if (setUpOk) {
  check('typecheck', 'npm', ['run', '--silent', 'typecheck']);
  check('lint', 'npm', ['run', '--silent', 'lint']);
  check('format', 'npm', ['run', '--silent', 'format:check']);
  check('supergraph is composed and up to date', 'npm', [
    'run',
    '--silent',
    'compose',
    '--',
    '--check',
  ]);
  check('rust format', 'cargo', [
    'fmt',
    '--manifest-path',
    'processor/Cargo.toml',
    '--all',
    '--check',
  ]);
  check('rust lint (clippy)', 'cargo', [
    'clippy',
    '--locked',
    '--manifest-path',
    'processor/Cargo.toml',
    '--all-targets',
    '--',
    '-D',
    'warnings',
  ]);
  jest('unit+integration', ['unit', 'integration']);
  cargoTest();
  await endToEnd();
}

console.log('\nSummary');
for (const t of totals)
  console.log(`  ${t.failed > 0 ? '✖' : '✔'} ${t.suite}: ${t.passed} passed, ${t.failed} failed`);
console.log(`  time: ${((Date.now() - started) / 60000).toFixed(1)} min`);
const passed = totals.reduce((a, t) => a + t.passed, 0);
const failed = totals.reduce((a, t) => a + t.failed, 0);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
