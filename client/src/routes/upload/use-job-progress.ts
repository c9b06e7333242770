/**
 * Follows a queued upload's job until its data set is READY or FAILED:
 *
 * - `query UploadJob`: the job and its data set as they are now (and again when the data set
 *   reaches its end, for the job's final state and error);
 * - `subscription JobUpdated`: the processor's progress events (percent, rows, message);
 * - `datasetEvents` (through `useLiveDatasets`): READY and FAILED, which are data set events
 *   rather than progress events; they update the cached data set the job query points at.
 *
 * Events sent before a subscription starts, or while the connection is being re-established, are
 * not replayed; a slow poll of the job covers them until the job is finished.
 */
import { gql, type ErrorLike, type TypedDocumentNode } from '@apollo/client';
import { useQuery, useSubscription } from '@apollo/client/react';
import { useEffect } from 'react';
import type { DatasetStatus, DateTime, JobStatus } from '../../schema-types';
import { useLiveDatasets } from '../datasets/use-live-datasets';
import { jobView, type JobView } from './job-view';

/** How often the job is read again while it runs, in case an event was missed. */
const SAFETY_POLL_MS = 15_000;

type UploadJobQuery = {
  job: {
    __typename: 'Job';
    id: string;
    status: JobStatus;
    progress: number;
    errorMessage: string | null;
    dataset: {
      __typename: 'Dataset';
      id: string;
      name: string;
      status: DatasetStatus;
      errorMessage: string | null;
      rowCount: number | null;
      columnCount: number | null;
    } | null;
  } | null;
};
type UploadJobQueryVariables = { id: string };

const UPLOAD_JOB_QUERY: TypedDocumentNode<UploadJobQuery, UploadJobQueryVariables> = gql`
  query UploadJob($id: ID!) {
    job(id: $id) {
      id
      status
      progress
      errorMessage
      dataset {
        id
        name
        status
        errorMessage
        rowCount
        columnCount
      }
    }
  }
`;

type JobUpdatedSubscription = {
  jobUpdated: {
    __typename: 'JobProgressEvent';
    jobId: string;
    status: JobStatus;
    progress: number;
    rowsProcessed: number | null;
    message: string | null;
    occurredAt: DateTime;
    job: {
      __typename: 'Job';
      id: string;
      status: JobStatus;
      progress: number;
      errorMessage: string | null;
    } | null;
  };
};
type JobUpdatedSubscriptionVariables = { jobId: string };

const JOB_UPDATED_SUBSCRIPTION: TypedDocumentNode<
  JobUpdatedSubscription,
  JobUpdatedSubscriptionVariables
> = gql`
  subscription JobUpdated($jobId: ID!) {
    jobUpdated(jobId: $jobId) {
      jobId
      status
      progress
      rowsProcessed
      message
      occurredAt
      job {
        id
        status
        progress
        errorMessage
      }
    }
  }
`;

export type FollowedJob = NonNullable<UploadJobQuery['job']>;

export function useJobProgress(jobId: string): {
  job: FollowedJob | null;
  /** The job query has answered (a null job then means it is gone). */
  loaded: boolean;
  view: JobView | null;
  error: ErrorLike | undefined;
  /** The progress or data set feed broke: the page no longer follows by itself. */
  liveError: ErrorLike | undefined;
} {
  const query = useQuery(UPLOAD_JOB_QUERY, {
    variables: { id: jobId },
    fetchPolicy: 'cache-and-network',
    nextFetchPolicy: 'cache-first',
  });
  const job = query.data?.job ?? null;
  const hasJob = job !== null;
  // Whether the job is finished depends on its status and its data set's, never on a progress
  // event: once it is, its progress feed is closed.
  const finished = job ? jobView(job, null).finished : false;
  const live = useSubscription(JOB_UPDATED_SUBSCRIPTION, {
    variables: { jobId },
    skip: finished,
  });
  const datasets = useLiveDatasets();

  const event = live.data?.jobUpdated ?? null;
  const view = job ? jobView(job, event) : null;
  const { refetch, startPolling, stopPolling } = query;

  // Runs when the job appears and when it finishes, not on every event (nor when Apollo hands out
  // new function identities).
  useEffect(() => {
    if (!hasJob) return;
    if (finished) {
      // The job's own final state (COMPLETED, or FAILED with its error) follows the data set's.
      refetch().catch(() => undefined);
      return;
    }
    startPolling(SAFETY_POLL_MS);
    return () => stopPolling();
  }, [hasJob, finished]);

  return {
    job,
    loaded: query.data !== undefined,
    view,
    error: query.error,
    liveError: finished ? undefined : (live.error ?? datasets.error),
  };
}
