/**
 * TypeScript mirrors of the supergraph's enums and scalars the app reads, written by hand in the
 * shape GraphQL Code Generator produces so that switching to generated types is mechanical.
 * Source of truth: subgraphs/<name>/schema.graphql.
 */

/** `scalar DateTime`: an ISO 8601 date-time string in UTC. */
export type DateTime = string;

export type SourceType = 'CSV' | 'JSON' | 'PARQUET' | 'DATABASE';

export type DatasetStatus = 'PENDING' | 'PROCESSING' | 'READY' | 'FAILED';
