/**
 * Composes the subgraph SDLs (schema/subgraphs/<name>.graphql, each a link to
 * subgraphs/<name>/schema.graphql) into schema/supergraph.graphql with @apollo/composition.
 *
 *   npm run compose            writes the supergraph; exits 1 listing every composition error
 *   npm run compose -- --check exits 1 if the checked-in supergraph is stale
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { SUBGRAPHS, defaultSubgraphUrl } from '@platform/runtime';

export const SCHEMA_DIR = join(__dirname, '..');
export const SUPERGRAPH_PATH = join(SCHEMA_DIR, 'supergraph.graphql');

export interface SubgraphSdl {
  name: string;
  url: string;
  sdl: string;
}

/** The real subgraphs with their default local URLs (the gateway overrides them by env). */
export function loadSubgraphSdls(dir = join(SCHEMA_DIR, 'subgraphs')): SubgraphSdl[] {
  return SUBGRAPHS.map(({ name }) => ({
    name,
    url: defaultSubgraphUrl(name),
    sdl: readFileSync(join(dir, `${name}.graphql`), 'utf8'),
  }));
}

export type Composition = { ok: true; supergraphSdl: string } | { ok: false; errors: string[] };

export function compose(subgraphs: SubgraphSdl[]): Composition {
  const parsed: { name: string; url: string; typeDefs: ReturnType<typeof parse> }[] = [];
  const errors: string[] = [];
  for (const s of subgraphs) {
    try {
      parsed.push({ name: s.name, url: s.url, typeDefs: parse(s.sdl) });
    } catch (error) {
      errors.push(`[${s.name}] ${(error as Error).message}`);
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  const result = composeServices(parsed);
  if (result.errors) {
    return { ok: false, errors: result.errors.map((e) => e.message) };
  }
  return { ok: true, supergraphSdl: `${result.supergraphSdl.trimEnd()}\n` };
}

function main(argv: string[]): number {
  const check = argv.includes('--check');
  let sdls: SubgraphSdl[];
  try {
    sdls = loadSubgraphSdls();
  } catch (error) {
    process.stderr.write(`compose: cannot read a subgraph SDL: ${(error as Error).message}\n`);
    return 1;
  }
  const result = compose(sdls);
  if (!result.ok) {
    process.stderr.write(
      `compose: composition failed:\n${result.errors.map((e) => `  - ${e}`).join('\n')}\n`,
    );
    return 1;
  }
  if (check) {
    const current = readFileSync(SUPERGRAPH_PATH, 'utf8');
    if (current !== result.supergraphSdl) {
      process.stderr.write('compose: schema/supergraph.graphql is stale; run `npm run compose`\n');
      return 1;
    }
    process.stdout.write('compose: supergraph is up to date\n');
    return 0;
  }
  writeFileSync(SUPERGRAPH_PATH, result.supergraphSdl);
  process.stdout.write(`compose: wrote ${SUPERGRAPH_PATH}\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
