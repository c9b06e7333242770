/** Thin resolvers: check input, call the store through the request's loaders. */
import { DateTimeScalar, isUuid, pageSize, requireUuid, type Policy } from '@platform/runtime';
import type { Context } from './context';
import type { QueryRow } from './store';

export const resolvers = {
  DateTime: DateTimeScalar,
  Query: {
    savedQuery: (_: unknown, args: { id: string }, ctx: Context) =>
      ctx.queries.load(requireUuid('id', args.id)),
  },
  Dataset: {
    __resolveReference: (ref: { id: string }) => (isUuid(ref.id) ? { id: ref.id } : null),
    recentQueries: (d: { id: string }, args: { first?: number | null }, ctx: Context) =>
      ctx.recentQueriesOf(pageSize(args.first, 10)).load(d.id),
  },
  SavedQuery: {
    __resolveReference: (ref: { id: string }, ctx: Context) =>
      isUuid(ref.id) ? ctx.queries.load(ref.id) : null,
    generatedSql: (q: QueryRow) => q.generated_sql,
    rowCount: (q: QueryRow) => q.row_count,
    executionTimeMs: (q: QueryRow) => q.execution_time_ms,
    createdAt: (q: QueryRow) => q.created_at,
    user: (q: QueryRow) => ({ __typename: 'User', id: q.user_id }),
    dataset: (q: QueryRow) => ({ __typename: 'Dataset', id: q.dataset_id }),
  },
};

/** Who may call what (every root field needs a rule; reads: any signed-in user). */
export const policy = {
  Query: { savedQuery: 'viewer' },
} satisfies Policy;
