/**
 * TypeScript mirrors of the supergraph's enums and scalars the app reads, written by hand in the
 * shape GraphQL Code Generator produces so that switching to generated types is mechanical.
 * Source of truth: subgraphs/<name>/schema.graphql.
 */

/** `scalar DateTime`: an ISO 8601 date-time string in UTC. */
export type DateTime = string;

export type SourceType = 'CSV' | 'JSON' | 'PARQUET' | 'DATABASE';

export type DatasetStatus = 'PENDING' | 'PROCESSING' | 'READY' | 'FAILED';

/** `enum JobType` (ingestion): what a job does. */
export type JobType = 'INGESTION' | 'PROCESSING' | 'TRAINING';

/** `enum JobStatus` (ingestion): QUEUED -> PROCESSING -> COMPLETED | FAILED. */
export type JobStatus = 'QUEUED' | 'PROCESSING' | 'COMPLETED' | 'FAILED';

/** `enum UploadMethod` (ingestion): one presigned PUT, or S3 multipart with a URL per part. */
export type UploadMethod = 'SINGLE_PUT' | 'MULTIPART';

/** `enum DatasetEventKind` (ingestion): what happened to one of the signed-in user's data sets. */
export type DatasetEventKind = 'CREATED' | 'PROCESSING' | 'READY' | 'FAILED' | 'DELETED';

/** `enum Role` (identity): what a user or API key may do; viewer < analyst < admin. */
export type Role = 'VIEWER' | 'ANALYST' | 'ADMIN';

/** `enum Tier` (identity): the user's plan, which sets the hourly query limit. */
export type Tier = 'FREE' | 'PREMIUM';

/** `input AuditFilter` (identity): all optional, combined with AND. */
export type AuditFilter = {
  actorId?: string | null;
  /** Exact action, e.g. `user.create`. */
  action?: string | null;
  targetId?: string | null;
  /** Events at or after this time. */
  from?: DateTime | null;
  /** Events before this time. */
  to?: DateTime | null;
};

/** `input CreateUserInput` (identity). */
export type CreateUserInput = {
  email: string;
  /** At least 12 characters. */
  password: string;
  role: Role;
  tier: Tier;
};

/** `input UpdateUserInput` (identity): fields left out stay as they are. */
export type UpdateUserInput = {
  role?: Role | null;
  tier?: Tier | null;
};

/** `input CreateApiKeyInput` (identity). */
export type CreateApiKeyInput = {
  /** What the key is for; 1 to 100 characters. */
  name: string;
  role: Role;
};

/** `input UploadedPart` (ingestion): one part of a multipart upload, as S3 acknowledged it. */
export type UploadedPart = {
  partNumber: number;
  /** The ETag header S3 answered the part's PUT with. */
  etag: string;
};

/** `scalar JSON` (query): any JSON value, e.g. a result row or a Vega-Lite spec. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** `enum AnswerStatus` (query): how an `ask` ended; the engine never guesses. */
export type AnswerStatus = 'ANSWERED' | 'CANNOT_ANSWER';
