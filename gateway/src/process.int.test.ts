/**
 * The built services as processes: invalid configuration stops them at start listing every
 * problem at once; SIGTERM closes them cleanly with exit code 0. Runs the compiled `dist/` (npm
 * test builds before testing).
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

function run(script: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [join(root, script)], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, exited, output: () => ({ stdout, stderr }) };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer`);
}

describe('service processes', () => {
  it('a subgraph with invalid configuration exits 1 listing every problem at once', async () => {
    const p = run('subgraphs/identity/dist/index.js', {
      IDENTITY_PORT: '70000',
      DATABASE_URL: 'mysql://nope',
      LOG_LEVEL: 'loud',
      PG_POOL_MAX: 'many',
    });
    expect(await p.exited).toBe(1);
    const { stderr } = p.output();
    expect(stderr).toMatch(/identity: invalid configuration \(4 problems\)/);
    for (const key of ['IDENTITY_PORT', 'DATABASE_URL', 'LOG_LEVEL', 'PG_POOL_MAX'])
      expect(stderr).toContain(key);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('the gateway with invalid configuration exits 1 listing every problem at once', async () => {
    const p = run('gateway/dist/index.js', {
      GATEWAY_PORT: '-1',
      KAFKA_BROKERS: 'nohost',
      INGESTION_URL: 'ftp://x',
    });
    expect(await p.exited).toBe(1);
    const { stderr } = p.output();
    expect(stderr).toMatch(/gateway: invalid configuration \(3 problems\)/);
    for (const key of ['GATEWAY_PORT', 'KAFKA_BROKERS', 'INGESTION_URL'])
      expect(stderr).toContain(key);
  });

  it('a subgraph closes cleanly on SIGTERM: exit 0, shutdown logged in order', async () => {
    const port = await freePort();
    const p = run('subgraphs/ingestion/dist/index.js', {
      INGESTION_PORT: String(port),
      DATABASE_URL:
        process.env.DATABASE_URL ?? 'postgres://platform:platform@127.0.0.1:5432/platform',
      LOG_LEVEL: 'debug',
    });
    await waitFor(`http://127.0.0.1:${port}/readyz`);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    const lines = p
      .output()
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; step?: string });
    const steps = lines.filter((l) => l.msg === 'closed').map((l) => l.step);
    expect(steps).toEqual(['http', 'ingestion workers', 'postgres']);
    const messages = lines.map((l) => l.msg);
    expect(messages.lastIndexOf('shutdown complete')).toBeGreaterThan(
      messages.lastIndexOf('closed'),
    );
  });

  it('a port already in use: the subgraph exits non-zero naming the port', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const { port } = blocker.address() as { port: number };
    try {
      const p = run('subgraphs/identity/dist/index.js', { IDENTITY_PORT: String(port) });
      expect(await p.exited).not.toBe(0);
      expect(p.output().stdout + p.output().stderr).toContain(String(port));
    } finally {
      blocker.close();
    }
  });
});
