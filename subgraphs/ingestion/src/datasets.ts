/**
 * Who sees what: a data set, and its jobs, are visible to their owner and to admins. Lists are
 * the caller's own unless an admin asks for someone else's (or everyone's).
 */
import {
  AppError,
  ErrorCode,
  keysetPage,
  toConnection,
  type KeysetArgs,
  type VerifiedToken,
} from '@platform/runtime';
import type { IngestionStore } from './store';

export type DatasetsArgs = KeysetArgs;

export const canSee = (viewer: VerifiedToken, row: { owner_id: string }) =>
  viewer.role === 'admin' || row.owner_id === viewer.userId;

/** The row if the viewer may see it, else null (as if it did not exist). */
export const visible = <T extends { owner_id: string }>(viewer: VerifiedToken, row: T | null) =>
  row && canSee(viewer, row) ? row : null;

export async function listDatasets(
  store: IngestionStore,
  viewer: VerifiedToken,
  args: DatasetsArgs,
) {
  const page = keysetPage(args);
  if (viewer.role !== 'admin' && page.ownerId && page.ownerId !== viewer.userId) {
    throw new AppError(ErrorCode.FORBIDDEN, 'You can only list your own data sets.');
  }
  const ownerId = viewer.role === 'admin' ? page.ownerId : viewer.userId;
  const { rows, hasNextPage } = await store.datasetPage({ ...page, ownerId });
  return toConnection(rows, hasNextPage);
}

const JOB_STATUSES = new Set(['QUEUED', 'PROCESSING', 'COMPLETED', 'FAILED']);

export async function listJobs(
  store: IngestionStore,
  viewer: VerifiedToken,
  args: { first?: number | null; after?: string | null; status?: string | null },
) {
  const status = args.status ?? undefined;
  if (status !== undefined && !JOB_STATUSES.has(status)) {
    throw new AppError(ErrorCode.BAD_USER_INPUT, 'Unknown job status.');
  }
  const { limit, after } = keysetPage({ first: args.first, after: args.after });
  const { rows, hasNextPage } = await store.jobPage({
    limit,
    after,
    ownerId: viewer.userId,
    status,
  });
  return toConnection(rows, hasNextPage);
}
