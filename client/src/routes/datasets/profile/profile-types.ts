/** The profile as the data set page asks for it (see `PROFILE_FIELDS`). */
import { gql } from '@apollo/client';
import type { DateTime } from '../../../schema-types';

export type IssueType =
  'HIGH_NULLS' | 'DUPLICATES' | 'OUTLIERS' | 'CONSTANT_COLUMN' | 'MIXED_TYPES' | 'RAGGED_ROWS';
export type Severity = 'LOW' | 'MEDIUM' | 'HIGH';

export interface HistogramBin {
  __typename?: 'HistogramBin';
  start: string;
  end: string;
  count: number;
}

export interface ValueCount {
  __typename?: 'ValueCount';
  value: string;
  count: number;
}

export interface ColumnProfile {
  __typename?: 'ColumnProfile';
  name: string;
  dataType: string;
  nullCount: number;
  nullPercentage: number;
  uniqueCount: number;
  min: string | null;
  max: string | null;
  mean: number | null;
  stdDev: number | null;
  quartiles: string[] | null;
  histogram: HistogramBin[] | null;
  outlierCount: number | null;
  sampled: boolean;
  topValues: ValueCount[] | null;
  topValuesApproximate: boolean;
}

export interface QualityIssue {
  __typename?: 'QualityIssue';
  column: string | null;
  type: IssueType;
  severity: Severity;
  count: number;
  description: string;
}

export interface DataProfile {
  __typename?: 'DataProfile';
  version: number;
  rowCount: number;
  columnCount: number;
  sizeBytes: number;
  duplicateRows: number;
  qualityScore: number;
  generatedAt: DateTime;
  columns: ColumnProfile[];
  issues: QualityIssue[];
}

/** The fields of `Dataset.profile` the page renders. */
export const PROFILE_FIELDS = gql`
  fragment ProfileSection_profile on DataProfile {
    version
    rowCount
    columnCount
    sizeBytes
    duplicateRows
    qualityScore
    generatedAt
    columns {
      name
      dataType
      nullCount
      nullPercentage
      uniqueCount
      min
      max
      mean
      stdDev
      quartiles
      histogram {
        start
        end
        count
      }
      outlierCount
      sampled
      topValues {
        value
        count
      }
      topValuesApproximate
    }
    issues {
      column
      type
      severity
      count
      description
    }
  }
`;
