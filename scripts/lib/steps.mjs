// @ts-check
/**
 * The setup steps `npm start` and `npm test` share: install what is missing (Debian packages,
 * Kafka, the S3 server, npm packages), start the local stack, migrate, build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './env.mjs';

/**
 * Runs a command in the repository, streaming its output; throws naming the step if it fails.
 * @param {string} step
 * @param {string} command
 * @param {string[]} args
 * @param {Record<string, string | undefined>} env
 */
export function run(step, command, args, env = process.env) {
  const started = Date.now();
  console.log(`\n▶ ${step}`);
  const result = spawnSync(command, args, { cwd: ROOT, env, stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    throw new Error(`${step} failed (exit ${result.status ?? result.signal}) after ${seconds}s`);
  }
  console.log(`✔ ${step} (${seconds}s)`);
}

/** npm packages: `npm ci` when node_modules is missing or older than the lock file. */
export function installNodeModules(env = process.env) {
  const marker = join(ROOT, 'node_modules', '.package-lock.json');
  const lock = join(ROOT, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) {
    console.log('✔ npm packages already installed');
    return;
  }
  run('npm ci', 'npm', ['ci', '--no-audit', '--no-fund'], env);
}

/**
 * @param {Record<string, string>} env
 * @param {{ buildClient?: boolean, buildProcessor?: boolean, processorProfile?: 'release' | 'dev' }} [options]
 */
export function setUp(
  env,
  { buildClient = true, buildProcessor = true, processorProfile = 'release' } = {},
) {
  run(
    'install system packages, Kafka and the S3 server (infra/install.sh)',
    'bash',
    ['infra/install.sh'],
    env,
  );
  installNodeModules(env);
  run('start the local stack (infra/start.sh)', 'bash', ['infra/start.sh'], env);
  run('migrate PostgreSQL', 'node', ['scripts/migrate.mjs'], env);
  run('build TypeScript', 'npx', ['tsc', '-b'], env);
  if (buildClient) run('build the app (vite)', 'npm', ['run', 'build', '-w', 'client'], env);
  if (buildProcessor) {
    run(
      `build the processor (cargo, ${processorProfile})`,
      'cargo',
      [
        'build',
        '--profile',
        processorProfile,
        '--locked',
        '--manifest-path',
        'processor/Cargo.toml',
      ],
      env,
    );
  }
}
