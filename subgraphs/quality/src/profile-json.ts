/**
 * The JSON documents inside a profile row (`columns` and `issues`), as the processor writes them:
 * snake_case keys named after the design's ColumnProfile and QualityIssue. Enum-like strings are
 * accepted in any case and returned in upper case, the way the GraphQL enums spell them.
 */
import { z } from 'zod';

const count = z.number().int().nonnegative();
/** min/max hold a value of the column's own type; GraphQL serves it as text. */
const scalarAsText = z
  .union([z.string(), z.number(), z.boolean()])
  .nullish()
  .transform((value) => (value == null ? null : String(value)));
const upperEnum = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((value) => value.toUpperCase())
    .pipe(z.enum(values));

/** A number, or ISO 8601 text for dates and timestamps, served as text. */
const boundAsText = z.union([z.string(), z.number()]).transform((value) => String(value));

export const ColumnProfileJson = z.object({
  name: z.string(),
  data_type: z.string(),
  null_count: count,
  null_percentage: z.number().min(0).max(100),
  unique_count: count,
  min_value: scalarAsText,
  max_value: scalarAsText,
  mean: z
    .number()
    .nullish()
    .transform((value) => value ?? null),
  std_dev: z
    .number()
    .nullish()
    .transform((value) => value ?? null),
  // Added with the processor's profile; older rows have none of these.
  quartiles: z
    .array(boundAsText)
    .nullish()
    .transform((value) => value ?? null),
  histogram: z
    .array(z.object({ start: boundAsText, end: boundAsText, count }))
    .nullish()
    .transform((value) => value ?? null),
  outliers: count.nullish().transform((value) => value ?? null),
  sampled: z.boolean().default(false),
  top_values: z
    .array(z.object({ value: z.string(), count }))
    .nullish()
    .transform((value) => value ?? null),
  top_values_approximate: z.boolean().default(false),
  typed_text_count: count.nullish().transform((value) => value ?? null),
});
export type ColumnProfileJson = z.infer<typeof ColumnProfileJson>;

export const ISSUE_TYPES = [
  'HIGH_NULLS',
  'DUPLICATES',
  'OUTLIERS',
  'CONSTANT_COLUMN',
  'MIXED_TYPES',
  'RAGGED_ROWS',
] as const;
export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH'] as const;

export const QualityIssueJson = z.object({
  column: z
    .string()
    .nullish()
    .transform((value) => value ?? null),
  type: upperEnum(ISSUE_TYPES),
  severity: upperEnum(SEVERITIES),
  count: count.default(0),
  description: z.string(),
});
export type QualityIssueJson = z.infer<typeof QualityIssueJson>;

export const ColumnsJson = z.array(ColumnProfileJson);
export const IssuesJson = z.array(QualityIssueJson);
