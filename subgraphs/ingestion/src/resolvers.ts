/** Thin resolvers: check input, call one function or loader. */
import { DateTimeScalar, isUuid, requireUuid, type Policy } from '@platform/runtime';
import type { Context } from './context';
import { listDatasets, listJobs, visible, type DatasetsArgs } from './datasets';
import type { ImportRequest } from './database-imports';
import type { DatasetRow, JobRow } from './store';
import type { CreatedUpload, PartUrls, UploadRequest, UploadedPart } from './uploads';

export const resolvers = {
  DateTime: DateTimeScalar,
  Query: {
    datasets: async (_: unknown, args: DatasetsArgs, ctx: Context) =>
      listDatasets(ctx.store, await ctx.principal(), args),
    dataset: async (_: unknown, args: { id: string }, ctx: Context) =>
      visible(await ctx.principal(), await ctx.datasets.load(requireUuid('id', args.id))),
    job: async (_: unknown, args: { id: string }, ctx: Context) =>
      visible(await ctx.principal(), await ctx.jobs.load(requireUuid('id', args.id))),
    jobs: async (
      _: unknown,
      args: { status?: string | null; first?: number | null; after?: string | null },
      ctx: Context,
    ) => listJobs(ctx.store, await ctx.principal(), args),
  },
  Mutation: {
    createUpload: async (_: unknown, args: UploadRequest, ctx: Context) =>
      ctx.uploads.create((await ctx.principal()).userId, args),
    completeUpload: async (
      _: unknown,
      args: { uploadId: string; parts?: UploadedPart[] | null },
      ctx: Context,
    ) =>
      ctx.uploads.complete(
        (await ctx.principal()).userId,
        requireUuid('uploadId', args.uploadId),
        args.parts ?? undefined,
      ),
    uploadPartUrls: async (
      _: unknown,
      args: { uploadId: string; partNumbers: number[] },
      ctx: Context,
    ) =>
      ctx.uploads.partUrls(
        (await ctx.principal()).userId,
        requireUuid('uploadId', args.uploadId),
        args.partNumbers,
      ),
    abortUpload: async (_: unknown, args: { uploadId: string }, ctx: Context) =>
      ctx.uploads.abort((await ctx.principal()).userId, requireUuid('uploadId', args.uploadId)),
    deleteDataset: async (_: unknown, args: { id: string }, ctx: Context) =>
      ctx.deleteDataset(await ctx.principal(), requireUuid('id', args.id)),
    importFromDatabase: async (_: unknown, args: ImportRequest, ctx: Context) =>
      ctx.imports.start((await ctx.principal()).userId, args),
  },
  Upload: {
    expiresAt: (u: CreatedUpload) => u.expiresAt,
  },
  UploadPartUrls: {
    expiresAt: (u: PartUrls) => u.expiresAt,
  },
  Dataset: {
    __resolveReference: async (ref: { id: string }, ctx: Context) =>
      isUuid(ref.id) ? visible(await ctx.principal(), await ctx.datasets.load(ref.id)) : null,
    sourceType: (d: DatasetRow) => d.source_type,
    sizeBytes: (d: DatasetRow) => d.size_bytes,
    errorMessage: (d: DatasetRow) => d.error_message,
    rowCount: (d: DatasetRow) => d.row_count,
    columnCount: (d: DatasetRow) => d.column_count,
    createdAt: (d: DatasetRow) => d.created_at,
    updatedAt: (d: DatasetRow) => d.updated_at,
    owner: (d: DatasetRow) => ({ __typename: 'User', id: d.owner_id }),
    jobs: (d: DatasetRow, _: unknown, ctx: Context) => ctx.jobsOfDataset.load(d.id),
  },
  Job: {
    __resolveReference: async (ref: { id: string }, ctx: Context) =>
      isUuid(ref.id) ? visible(await ctx.principal(), await ctx.jobs.load(ref.id)) : null,
    errorMessage: (j: JobRow) => j.error_message,
    createdAt: (j: JobRow) => j.created_at,
    updatedAt: (j: JobRow) => j.updated_at,
    dataset: (j: JobRow, _: unknown, ctx: Context) =>
      j.dataset_id ? ctx.datasets.load(j.dataset_id) : null,
  },
};

/**
 * Who may call what (every root field needs a rule). Reads: any signed-in user, who sees their
 * own data sets and jobs (admins see all). Bringing data in: analysts and admins.
 */
export const policy = {
  Query: { datasets: 'viewer', dataset: 'viewer', job: 'viewer', jobs: 'viewer' },
  Mutation: {
    createUpload: 'analyst',
    completeUpload: 'analyst',
    uploadPartUrls: 'analyst',
    abortUpload: 'analyst',
    deleteDataset: 'analyst',
    importFromDatabase: 'analyst',
  },
} satisfies Policy;
