// @ts-check
/**
 * The one migration runner: for each subgraph that has `migrations/`, applies its versioned SQL to
 * its own PostgreSQL schema (created if missing), recording what ran in `<schema>.pgmigrations`.
 * Safe to run twice and from several processes at once (node-pg-migrate takes an advisory lock).
 * Used by `npm start`, `npm test` and `npm run migrate`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';

const root = join(fileURLToPath(import.meta.url), '..', '..');

/** @returns {{ schema: string, dir: string }[]} */
export function migrationSets() {
  const subgraphs = join(root, 'subgraphs');
  return readdirSync(subgraphs)
    .filter((name) => existsSync(join(subgraphs, name, 'migrations')))
    .filter((name) =>
      readdirSync(join(subgraphs, name, 'migrations')).some((f) => f.endsWith('.sql')),
    )
    .sort()
    .map((name) => ({ schema: name, dir: join(subgraphs, name, 'migrations') }));
}

/**
 * @param {string} databaseUrl
 * @param {{ quiet?: boolean }} [options]
 * @returns {Promise<number>} how many migrations ran
 */
export async function migrate(databaseUrl, { quiet = false } = {}) {
  let applied = 0;
  for (const { schema, dir } of migrationSets()) {
    const ran = await runner({
      databaseUrl,
      dir,
      direction: 'up',
      schema,
      createSchema: true,
      migrationsSchema: schema,
      createMigrationsSchema: true,
      migrationsTable: 'pgmigrations',
      checkOrder: true,
      singleTransaction: true,
      log: () => undefined,
    });
    applied += ran.length;
    if (!quiet && ran.length > 0) {
      console.log(`migrate: ${schema}: applied ${ran.map((m) => m.name).join(', ')}`);
    }
  }
  if (!quiet) console.log(`migrate: ${applied} migration(s) applied; schemas up to date`);
  return applied;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const url = process.env.DATABASE_URL ?? 'postgres://platform:platform@127.0.0.1:5432/platform';
  migrate(url).catch((error) => {
    console.error(`migrate: failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
