/** Reads a service's `schema.graphql` (next to its package.json) into a DocumentNode. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type DocumentNode } from 'graphql';

export function loadSdl(packageDir: string): DocumentNode {
  return parse(readFileSync(join(packageDir, 'schema.graphql'), 'utf8'));
}
