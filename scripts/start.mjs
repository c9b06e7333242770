// @ts-check
/**
 * `npm start`: installs what is missing, starts the local stack, migrates, builds, starts the seven
 * subgraphs, the gateway (with the app) and the processor, prints where to open it, and on Ctrl-C
 * stops what it started. A second `npm start` while one runs says where it is and starts nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, stackEnv } from './lib/env.mjs';
import { platformPorts, startPlatform } from './lib/platform.mjs';
import { setUp } from './lib/steps.mjs';

const env = stackEnv();
// Moves every platform port (gateway, subgraphs, processor) by this much: `npm test` runs a second
// platform beside a developer's own this way. The local stack is shared.
const offset = Number(env.PLATFORM_PORT_OFFSET ?? 0);
// `release` for users; `npm test` uses the `dev` build its cargo tests already made.
const profile = env.PLATFORM_PROCESSOR_PROFILE === 'dev' ? 'dev' : 'release';
const gatewayPort = platformPorts(env, offset).gateway;
const runDir = join(env.PLATFORM_DATA_DIR ?? join(ROOT, '.data'), 'run');
const lockFile = join(runDir, `platform-${gatewayPort}.json`);

/** @param {number} pid */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

if (existsSync(lockFile)) {
  const { pid, url } = JSON.parse(readFileSync(lockFile, 'utf8'));
  if (alive(pid)) {
    console.log(`The platform is already running (pid ${pid}): open ${url}`);
    process.exit(0);
  }
  rmSync(lockFile);
}
mkdirSync(runDir, { recursive: true });
writeFileSync(
  lockFile,
  JSON.stringify({ pid: process.pid, url: `http://127.0.0.1:${gatewayPort}` }),
);

/** Services of the local stack that were down before we started: the ones we stop on exit. */
function downServices() {
  const result = spawnSync('bash', ['infra/status.sh'], { cwd: ROOT, env, encoding: 'utf8' });
  return (result.stdout ?? '')
    .split('\n')
    .filter((line) => /\bdown\b/.test(line))
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter(Boolean);
}

/**
 * Local mode: creates the first admin when there is none (identity's first-admin script).
 * @returns {{ email: string, password: string } | null}
 */
function ensureFirstAdmin() {
  const result = spawnSync(process.execPath, ['subgraphs/identity/dist/first-admin.js'], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error(`creating the first admin failed: ${result.stderr.trim()}`);
  const answer = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}');
  return answer.created ? { email: answer.email, password: answer.password } : null;
}

let stopPlatform = async () => {};
/** @type {string[]} */
let startedServices = [];
let stopping = false;

async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping the platform...');
  await stopPlatform();
  if (startedServices.length > 0) {
    spawnSync('bash', ['infra/stop.sh', ...startedServices], { cwd: ROOT, env, stdio: 'inherit' });
  }
  rmSync(lockFile, { force: true });
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  const before = existsSync(join(ROOT, 'infra', 'status.sh')) ? downServices() : [];
  setUp(env, { processorProfile: profile });
  startedServices = before;
  const firstAdmin = env.NODE_ENV === 'production' ? null : ensureFirstAdmin();
  const platform = await startPlatform({
    env,
    offset,
    logDir: join(env.PLATFORM_DATA_DIR ?? join(ROOT, '.data'), 'logs'),
    processorBinary: join(
      env.CARGO_TARGET_DIR ?? '',
      profile === 'dev' ? 'debug' : 'release',
      'processor',
    ),
  });
  stopPlatform = platform.stop;
  for (const { child, name, log } of platform.running) {
    child.once('exit', (code, signal) => {
      if (stopping) return;
      console.error(`${name} exited (${code ?? signal}); see ${log}. Stopping everything.`);
      void shutdown(1);
    });
  }
  if (firstAdmin) {
    console.log(`
  First admin created (shown this once; keep it, or create another admin and disable this one):
    email:    ${firstAdmin.email}
    password: ${firstAdmin.password}`);
  }
  console.log(`
  The platform is running: open ${platform.url}

  GraphQL (HTTP and WebSocket): ${platform.url}/graphql
  Logs: ${join(env.PLATFORM_DATA_DIR ?? '', 'logs')}
  Press Ctrl-C to stop.`);
} catch (error) {
  console.error(`\nnpm start: ${error instanceof Error ? error.message : String(error)}`);
  await shutdown(1);
}
