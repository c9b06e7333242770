/**
 * Keyset (cursor) pagination over `(created_at DESC, id DESC)`: stable under inserts, one indexed
 * range scan per page. Cursors are opaque base64url of `createdAtISO|id`; a malformed cursor is a
 * BAD_USER_INPUT, never a database error.
 */
import { badInput } from './errors';

export const MAX_PAGE_SIZE = 100;

export interface Cursor {
  createdAt: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.createdAt.toISOString()}|${cursor.id}`).toString('base64url');
}

export function decodeCursor(value: string): Cursor {
  const invalid = () =>
    badInput('The pagination cursor is not valid; start again without `after`.');
  if (value.length > 200) throw invalid();
  const [iso, id, ...rest] = Buffer.from(value, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(iso ?? '');
  if (rest.length > 0 || !id || !UUID.test(id) || Number.isNaN(createdAt.getTime()))
    throw invalid();
  return { createdAt, id };
}

/** Validates `first`: 1..MAX_PAGE_SIZE. */
export function pageSize(first: number | null | undefined, fallback = 20): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw badInput(`\`first\` must be between 1 and ${MAX_PAGE_SIZE}.`, { first: size });
  }
  return size;
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** An id argument: returned as is when it is a UUID, else BAD_USER_INPUT naming the argument. */
export function requireUuid(name: string, value: string): string {
  if (!isUuid(value)) throw badInput(`\`${name}\` must be a UUID.`, { [name]: value.slice(0, 64) });
  return value;
}

export interface KeysetArgs {
  first?: number | null;
  after?: string | null;
  ownerId?: string | null;
}

/** Validates the usual list arguments into what a store's keyset page query needs. */
export function keysetPage(args: KeysetArgs) {
  return {
    limit: pageSize(args.first),
    after: args.after ? decodeCursor(args.after) : undefined,
    ownerId: args.ownerId != null ? requireUuid('ownerId', args.ownerId) : undefined,
  };
}

/** A Relay-style connection over rows ordered by `(created_at DESC, id DESC)`. */
export function toConnection<T extends { id: string; created_at: Date }>(
  rows: T[],
  hasNextPage: boolean,
) {
  const edges = rows.map((row) => ({
    cursor: encodeCursor({ createdAt: row.created_at, id: row.id }),
    node: row,
  }));
  return { edges, pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
}
