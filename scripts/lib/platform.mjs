// @ts-check
/**
 * Starts and stops the platform's own processes (seven subgraphs, the gateway, the processor) as
 * children of this script, each logging to its own file, and waits until each is ready. Used by
 * `npm start` and by the end-to-end tests. A process that dies while starting stops everything
 * started so far and names itself, its port and its log.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { ROOT } from './env.mjs';

export const SUBGRAPHS = [
  'identity',
  'ingestion',
  'quality',
  'query',
  'ml',
  'insights',
  'dashboards',
];

/**
 * Ports for one platform instance; `offset` moves them all (tests run beside `npm start`).
 * @param {Record<string, string>} env
 * @param {number} offset
 */
export function platformPorts(env, offset = 0) {
  const gateway = Number(env.GATEWAY_PORT ?? 4000) + offset;
  /** @type {Record<string, number>} */
  const subgraphs = {};
  SUBGRAPHS.forEach((name, i) => {
    const fromEnv = env[`${name.toUpperCase()}_PORT`];
    subgraphs[name] = (fromEnv ? Number(fromEnv) : 4001 + i) + offset;
  });
  return { gateway, subgraphs, processor: Number(env.PROCESSOR_PORT ?? 4010) + offset };
}

/** @param {number} port */
function portInUse(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** @param {string} url @param {number} timeoutMs @param {() => boolean} alive */
async function waitReady(url, timeoutMs, alive) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) return false;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

/** @param {string} file @param {number} lines */
function tail(file, lines = 20) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * @typedef {{ name: string, port: number, log: string, child: import('node:child_process').ChildProcess }} Running
 * @param {{ env: Record<string, string>, offset?: number, processorBinary?: string | undefined, logDir: string }} options
 */
export async function startPlatform({ env, offset = 0, processorBinary, logDir }) {
  mkdirSync(logDir, { recursive: true });
  const ports = platformPorts(env, offset);
  const common = {
    ...env,
    NODE_ENV: env.NODE_ENV ?? 'development',
    // The app's origin may PUT upload bytes to S3 (ingestion adds it to the bucket's CORS rule).
    UPLOAD_CORS_ORIGINS: `http://127.0.0.1:${ports.gateway}`,
  };
  /** @type {Record<string, string>} */
  const portEnv = {};
  for (const [name, port] of Object.entries(ports.subgraphs)) {
    portEnv[`${name.toUpperCase()}_PORT`] = String(port);
    portEnv[`${name.toUpperCase()}_URL`] = `http://127.0.0.1:${port}/graphql`;
  }
  /** @type {{ name: string, port: number, command: string, args: string[], ready: string, env: Record<string, string> }[]} */
  const plan = [
    ...SUBGRAPHS.map((name) => ({
      name,
      port: ports.subgraphs[name] ?? 0,
      command: process.execPath,
      args: [join(ROOT, 'subgraphs', name, 'dist', 'index.js')],
      ready: `http://127.0.0.1:${ports.subgraphs[name]}/readyz`,
      env: { ...common, ...portEnv },
    })),
    {
      name: 'gateway',
      port: ports.gateway,
      command: process.execPath,
      args: [join(ROOT, 'gateway', 'dist', 'index.js')],
      ready: `http://127.0.0.1:${ports.gateway}/readyz`,
      env: {
        ...common,
        ...portEnv,
        GATEWAY_PORT: String(ports.gateway),
        S3_CORS_ORIGIN: `http://127.0.0.1:${ports.gateway}`,
      },
    },
  ];
  if (processorBinary && existsSync(processorBinary)) {
    plan.push({
      name: 'processor',
      port: ports.processor,
      command: processorBinary,
      args: [],
      ready: `http://127.0.0.1:${ports.processor}/readyz`,
      env: { ...common, PROCESSOR_PORT: String(ports.processor) },
    });
  }

  /** @type {Running[]} */
  const running = [];
  const stop = async () => {
    await Promise.all(
      running.map(
        ({ child }) =>
          new Promise((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve(undefined);
            child.once('exit', resolve);
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
          }),
      ),
    );
  };

  for (const step of plan) {
    const log = join(logDir, `${step.name}.log`);
    if (await portInUse(step.port)) {
      await stop();
      throw new Error(
        `${step.name}: port ${step.port} on 127.0.0.1 is already in use by another process; see ${log}`,
      );
    }
    const fd = openSync(log, 'a');
    const child = spawn(step.command, step.args, {
      cwd: ROOT,
      env: step.env,
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    running.push({ name: step.name, port: step.port, log, child });
  }
  // Wait for all of them together: they start in parallel, the gateway last to be ready.
  const results = await Promise.all(
    running.map(async (r) => ({
      r,
      ok: await waitReady(
        plan.find((p) => p.name === r.name)?.ready ?? '',
        120_000,
        () => r.child.exitCode === null && r.child.signalCode === null,
      ),
    })),
  );
  const failed = results.filter(({ ok }) => !ok);
  if (failed.length > 0) {
    await stop();
    throw new Error(
      failed
        .map(
          ({ r }) =>
            `${r.name} (port ${r.port}) did not become ready; log: ${r.log}\n${tail(r.log)}`,
        )
        .join('\n\n'),
    );
  }
  return { ports, running, stop, url: `http://127.0.0.1:${ports.gateway}` };
}
