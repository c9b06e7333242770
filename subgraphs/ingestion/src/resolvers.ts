/** Thin resolvers: check input, call one function or loader. */
import { DateTimeScalar, isUuid, requireUuid, type Policy } from '@platform/runtime';
import type { Context } from './context';
import { listDatasets, type DatasetsArgs } from './datasets';
import type { DatasetRow, JobRow } from './store';

export const resolvers = {
  DateTime: DateTimeScalar,
  Query: {
    datasets: (_: unknown, args: DatasetsArgs, ctx: Context) => listDatasets(ctx.store, args),
    dataset: (_: unknown, args: { id: string }, ctx: Context) =>
      ctx.datasets.load(requireUuid('id', args.id)),
    job: (_: unknown, args: { id: string }, ctx: Context) =>
      ctx.jobs.load(requireUuid('id', args.id)),
  },
  Dataset: {
    __resolveReference: (ref: { id: string }, ctx: Context) =>
      isUuid(ref.id) ? ctx.datasets.load(ref.id) : null,
    sourceType: (d: DatasetRow) => d.source_type,
    sizeBytes: (d: DatasetRow) => d.size_bytes,
    rowCount: (d: DatasetRow) => d.row_count,
    columnCount: (d: DatasetRow) => d.column_count,
    createdAt: (d: DatasetRow) => d.created_at,
    updatedAt: (d: DatasetRow) => d.updated_at,
    owner: (d: DatasetRow) => ({ __typename: 'User', id: d.owner_id }),
    jobs: (d: DatasetRow, _: unknown, ctx: Context) => ctx.jobsOfDataset.load(d.id),
  },
  Job: {
    __resolveReference: (ref: { id: string }, ctx: Context) =>
      isUuid(ref.id) ? ctx.jobs.load(ref.id) : null,
    errorMessage: (j: JobRow) => j.error_message,
    createdAt: (j: JobRow) => j.created_at,
    updatedAt: (j: JobRow) => j.updated_at,
    dataset: (j: JobRow, _: unknown, ctx: Context) =>
      j.dataset_id ? ctx.datasets.load(j.dataset_id) : null,
  },
};

/** Who may call what (every root field needs a rule; reads: any signed-in user). */
export const policy = {
  Query: { datasets: 'viewer', dataset: 'viewer', job: 'viewer' },
} satisfies Policy;
