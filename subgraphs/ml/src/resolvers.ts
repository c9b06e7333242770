/** Thin resolvers: check input, call the store through the request's loaders. */
import { DateTimeScalar, isUuid, requireUuid, type Policy } from '@platform/runtime';
import type { Context } from './context';
import { metricList } from './model-metrics';
import type { ModelRow } from './store';

export const resolvers = {
  DateTime: DateTimeScalar,
  Query: {
    model: (_: unknown, args: { id: string }, ctx: Context) =>
      ctx.models.load(requireUuid('id', args.id)),
  },
  Dataset: {
    __resolveReference: (ref: { id: string }) => (isUuid(ref.id) ? { id: ref.id } : null),
    models: (d: { id: string }, _: unknown, ctx: Context) => ctx.modelsOfDataset.load(d.id),
  },
  Model: {
    __resolveReference: (ref: { id: string }, ctx: Context) =>
      isUuid(ref.id) ? ctx.models.load(ref.id) : null,
    targetColumn: (m: ModelRow) => m.target_column,
    problemType: (m: ModelRow) => m.problem_type,
    metrics: (m: ModelRow) => metricList(m.metrics),
    trainingTimeSeconds: (m: ModelRow) => m.training_time_seconds,
    registryUri: (m: ModelRow) => m.registry_uri,
    createdAt: (m: ModelRow) => m.created_at,
    owner: (m: ModelRow) => ({ __typename: 'User', id: m.user_id }),
    dataset: (m: ModelRow) => ({ __typename: 'Dataset', id: m.dataset_id }),
  },
};

/** Who may call what (every root field needs a rule; reads: any signed-in user). */
export const policy = {
  Query: { model: 'viewer' },
} satisfies Policy;
