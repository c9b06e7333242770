/** Thin resolvers: check input, call the store through the request's loaders. */
import { DateTimeScalar, badInput, isUuid, requireUuid, type Policy } from '@platform/runtime';
import type { Context } from './context';
import type { ProfileRow } from './store';
import type { ColumnProfileJson } from './profile-json';

/** `version` is optional (latest); when given it must be a real version number. */
function version(value: number | null | undefined): number | undefined {
  if (value == null) return undefined;
  if (value < 1) throw badInput('`version` must be 1 or more.', { version: value });
  return value;
}

export const resolvers = {
  DateTime: DateTimeScalar,
  Query: {
    profile: (_: unknown, args: { datasetId: string; version?: number | null }, ctx: Context) =>
      ctx.profile(requireUuid('datasetId', args.datasetId), version(args.version)),
  },
  Dataset: {
    __resolveReference: (ref: { id: string }) => (isUuid(ref.id) ? { id: ref.id } : null),
    profile: (d: { id: string }, args: { version?: number | null }, ctx: Context) =>
      ctx.profile(d.id, version(args.version)),
  },
  DataProfile: {
    datasetId: (p: ProfileRow) => p.dataset_id,
    rowCount: (p: ProfileRow) => p.row_count,
    columnCount: (p: ProfileRow) => p.column_count,
    sizeBytes: (p: ProfileRow) => p.size_bytes,
    duplicateRows: (p: ProfileRow) => p.duplicate_rows,
    qualityScore: (p: ProfileRow) => p.quality_score,
    generatedAt: (p: ProfileRow) => p.generated_at,
  },
  ColumnProfile: {
    dataType: (c: ColumnProfileJson) => c.data_type,
    nullCount: (c: ColumnProfileJson) => c.null_count,
    nullPercentage: (c: ColumnProfileJson) => c.null_percentage,
    uniqueCount: (c: ColumnProfileJson) => c.unique_count,
    min: (c: ColumnProfileJson) => c.min_value,
    max: (c: ColumnProfileJson) => c.max_value,
    stdDev: (c: ColumnProfileJson) => c.std_dev,
    outlierCount: (c: ColumnProfileJson) => c.outliers,
    topValues: (c: ColumnProfileJson) => c.top_values,
    topValuesApproximate: (c: ColumnProfileJson) => c.top_values_approximate,
    typedTextCount: (c: ColumnProfileJson) => c.typed_text_count,
  },
};

/** Who may call what (every root field needs a rule; reads: any signed-in user). */
export const policy = {
  Query: { profile: 'viewer' },
} satisfies Policy;
