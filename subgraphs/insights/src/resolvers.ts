/** Thin resolvers: check input, call the store through the request's loaders. */
import { DateTimeScalar, isUuid, pageSize, type Policy } from '@platform/runtime';
import type { Context } from './context';
import { JSONObjectScalar } from './json-object';
import type { InsightRow } from './store';

export const resolvers = {
  DateTime: DateTimeScalar,
  JSONObject: JSONObjectScalar,
  Dataset: {
    __resolveReference: (ref: { id: string }) => (isUuid(ref.id) ? { id: ref.id } : null),
    insights: (d: { id: string }, args: { first?: number | null }, ctx: Context) =>
      ctx.insightsOf(pageSize(args.first, 20)).load(d.id),
  },
  Insight: {
    createdAt: (i: InsightRow) => i.created_at,
    dataset: (i: InsightRow) => ({ __typename: 'Dataset', id: i.dataset_id }),
  },
};

/** Who may call what: no root fields of its own; entities need a signed-in caller. */
export const policy = {} satisfies Policy;
