/** Thin resolvers: check input, call the answers service or the store through the loaders. */
import {
  AppError,
  DateTimeScalar,
  ErrorCode,
  isUuid,
  notFound,
  pageSize,
  requireUuid,
  type Policy,
} from '@platform/runtime';
import type { Answer } from './answers';
import type { Context } from './context';
import { JSONScalar } from './json-scalar';
import type { QueryRow } from './store';

/** Another user's saved query reads as missing; admins see all. */
const visible = (row: QueryRow | null, viewer: { userId: string; role: string }) =>
  row && (viewer.role === 'admin' || row.user_id === viewer.userId) ? row : null;

export const resolvers = {
  DateTime: DateTimeScalar,
  JSON: JSONScalar,
  Query: {
    savedQuery: async (_: unknown, args: { id: string }, ctx: Context) =>
      visible(await ctx.queries.load(requireUuid('id', args.id)), await ctx.principal()),
    validateSql: async (_: unknown, args: { datasetId: string; sql: string }, ctx: Context) =>
      ctx.answers.validateSql(
        await ctx.principal(),
        requireUuid('datasetId', args.datasetId),
        args.sql,
      ),
    queryHistory: async (
      _: unknown,
      args: { datasetId?: string | null; first?: number | null },
      ctx: Context,
    ) => {
      const viewer = await ctx.principal();
      const datasetId = args.datasetId ? requireUuid('datasetId', args.datasetId) : null;
      return ctx.store.history(viewer.userId, datasetId, pageSize(args.first, 20));
    },
    askSuggestions: async (_: unknown, args: { datasetId: string }, ctx: Context) =>
      ctx.answers.suggestions(await ctx.principal(), requireUuid('datasetId', args.datasetId)),
  },
  Mutation: {
    ask: async (
      _: unknown,
      args: { datasetId: string; question: string; conversationId?: string | null },
      ctx: Context,
    ) =>
      ctx.answers.ask(
        await ctx.principal(),
        requireUuid('datasetId', args.datasetId),
        args.question,
        args.conversationId ? requireUuid('conversationId', args.conversationId) : null,
      ),
    runSql: async (
      _: unknown,
      args: { datasetId: string; sql: string; question?: string | null },
      ctx: Context,
    ) =>
      ctx.answers.runSql(
        await ctx.principal(),
        requireUuid('datasetId', args.datasetId),
        args.sql,
        args.question,
      ),
    verifyAnswer: async (
      _: unknown,
      args: { id: string; verified?: boolean | null },
      ctx: Context,
    ) => {
      const id = requireUuid('id', args.id);
      const viewer = await ctx.principal();
      if (!visible(await ctx.queries.load(id), viewer)) throw notFound('Saved query', id);
      const row = await ctx.store.setVerified(id, args.verified ?? true);
      if (!row) throw new AppError(ErrorCode.NOT_FOUND, `Saved query ${id} was not found.`);
      return row;
    },
  },
  Answer: {
    columns: (a: Answer) => a.result?.columns ?? [],
    rows: (a: Answer) => a.result?.rows ?? [],
    rowCount: (a: Answer) => a.result?.rows.length ?? 0,
    truncated: (a: Answer) => a.result?.truncated ?? false,
    executionTimeMs: (a: Answer) => a.result?.executionMs ?? null,
    savedQuery: (a: Answer) => a.saved,
  },
  Dataset: {
    __resolveReference: (ref: { id: string }) => (isUuid(ref.id) ? { id: ref.id } : null),
    recentQueries: (d: { id: string }, args: { first?: number | null }, ctx: Context) =>
      ctx.recentQueriesOf(pageSize(args.first, 10)).load(d.id),
  },
  SavedQuery: {
    __resolveReference: async (ref: { id: string }, ctx: Context) =>
      isUuid(ref.id) ? visible(await ctx.queries.load(ref.id), await ctx.principal()) : null,
    generatedSql: (q: QueryRow) => q.generated_sql,
    rowCount: (q: QueryRow) => q.row_count,
    executionTimeMs: (q: QueryRow) => q.execution_time_ms,
    createdAt: (q: QueryRow) => q.created_at,
    user: (q: QueryRow) => ({ __typename: 'User', id: q.user_id }),
    dataset: (q: QueryRow) => ({ __typename: 'Dataset', id: q.dataset_id }),
  },
};

/** Who may call what: reading and asking for any signed-in user, hand-written SQL for analysts. */
export const policy = {
  Query: {
    savedQuery: 'viewer',
    validateSql: 'viewer',
    queryHistory: 'viewer',
    askSuggestions: 'viewer',
  },
  Mutation: { ask: 'viewer', runSql: 'analyst', verifyAnswer: 'viewer' },
} satisfies Policy;
