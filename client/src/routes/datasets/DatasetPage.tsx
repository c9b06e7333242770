import { gql, type TypedDocumentNode } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { useEffect, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { ErrorPanel } from '../../components/ErrorPanel';
import { LiveNotice } from '../../components/LiveNotice';
import { RelativeTime } from '../../components/RelativeTime';
import { describeError } from '../../errors';
import { formatBytes, formatCount } from '../../format';
import type { DatasetStatus, DateTime, JobStatus, JobType, SourceType } from '../../schema-types';
import { useNow } from '../../use-now';
import { askPath } from '../ask/ask-path';
import { SOURCE_LABEL, StatusBadge } from './DatasetRow';
import { ProfileSection } from './profile/ProfileSection';
import { PROFILE_FIELDS, type DataProfile } from './profile/profile-types';
import { useLiveDatasets } from './use-live-datasets';

type DatasetPageQuery = {
  dataset: {
    __typename: 'Dataset';
    id: string;
    name: string;
    sourceType: SourceType;
    status: DatasetStatus;
    errorMessage: string | null;
    sizeBytes: number;
    rowCount: number | null;
    columnCount: number | null;
    version: number;
    createdAt: DateTime;
    updatedAt: DateTime;
    owner: { __typename: 'User'; id: string; email: string };
    jobs: Array<{
      __typename: 'Job';
      id: string;
      type: JobType;
      status: JobStatus;
      progress: number;
      errorMessage: string | null;
      createdAt: DateTime;
      updatedAt: DateTime;
    }>;
    profile: DataProfile | null;
  } | null;
};
type DatasetPageQueryVariables = { id: string };

/** One data set: what it is, where its processing stands, and the jobs that worked on it. */
const DATASET_PAGE_QUERY: TypedDocumentNode<DatasetPageQuery, DatasetPageQueryVariables> = gql`
  query DatasetPage($id: ID!) {
    dataset(id: $id) {
      id
      name
      sourceType
      status
      errorMessage
      sizeBytes
      rowCount
      columnCount
      version
      createdAt
      updatedAt
      owner {
        id
        email
      }
      jobs {
        id
        type
        status
        progress
        errorMessage
        createdAt
        updatedAt
      }
      # Unmasked: DataProfile has no id for useFragment to find it by, and the page passes it
      # down whole.
      profile {
        ...ProfileSection_profile @unmask
      }
    }
  }
  ${PROFILE_FIELDS}
`;

const JOB_STATUS_TONE: Record<JobStatus, string> = {
  QUEUED: 'pending',
  PROCESSING: 'processing',
  COMPLETED: 'ready',
  FAILED: 'failed',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function NotThere() {
  return (
    <section className="panel panel--centered" data-testid="dataset-not-found">
      <h2>There is no such data set</h2>
      <p className="panel__message">
        It may have been deleted, or it belongs to someone else. Your data sets are all on the
        Datasets page.
      </p>
      <div className="panel__actions">
        <Link to="/datasets" className="button">
          Back to Datasets
        </Link>
      </div>
    </section>
  );
}

/** `/datasets/:datasetId`, kept current by the same live events as the list. */
export function DatasetPage() {
  const { datasetId = '' } = useParams();
  const valid = UUID.test(datasetId);
  const now = useNow(60_000);
  const { data, error, refetch } = useQuery(DATASET_PAGE_QUERY, {
    variables: { id: datasetId },
    skip: !valid,
    fetchPolicy: 'cache-and-network',
    nextFetchPolicy: 'cache-first',
  });
  const live = useLiveDatasets();
  const dataset = data?.dataset;
  // The live events say when the data set becomes ready; its profile is fetched then.
  const profileDue = dataset?.status === 'READY' && dataset.profile === null;
  useEffect(() => {
    if (profileDue) void refetch().catch(() => undefined);
  }, [profileDue, refetch]);

  let body: ReactNode;
  if (!valid || data?.dataset === null) {
    body = <NotThere />;
  } else if (dataset) {
    const shape = [formatCount(dataset.rowCount), formatCount(dataset.columnCount)];
    body = (
      <div className="dataset-page">
        <LiveNotice error={live.error} />
        {dataset.status === 'FAILED' && (
          <ErrorPanel
            error={{
              title: 'Processing failed',
              message: dataset.errorMessage ?? 'The platform gave no reason.',
            }}
            testId="dataset-failed"
          />
        )}
        <section className="panel" aria-label="About this data set">
          <dl className="facts">
            <div>
              <dt>Status</dt>
              <dd>
                <StatusBadge status={dataset.status} />
              </dd>
            </div>
            <div>
              <dt>Type</dt>
              <dd>{SOURCE_LABEL[dataset.sourceType] ?? dataset.sourceType}</dd>
            </div>
            <div>
              <dt>Size</dt>
              <dd>{formatBytes(dataset.sizeBytes)}</dd>
            </div>
            <div>
              <dt>Rows × columns</dt>
              <dd data-testid="dataset-shape">
                {shape[0] && shape[1] ? `${shape[0]} × ${shape[1]}` : 'Known once processed'}
              </dd>
            </div>
            <div>
              <dt>Owner</dt>
              <dd>{dataset.owner.email}</dd>
            </div>
            <div>
              <dt>Created</dt>
              <dd>
                <RelativeTime iso={dataset.createdAt} now={now} />
              </dd>
            </div>
          </dl>
        </section>
        <ProfileSection profile={dataset.profile} status={dataset.status} />
        <section className="dataset-jobs" aria-labelledby="dataset-jobs-title">
          <h2 id="dataset-jobs-title">Jobs</h2>
          {dataset.jobs.length === 0 ? (
            <p className="muted">No job has worked on this data set yet.</p>
          ) : (
            <ul className="job-list">
              {dataset.jobs.map((job) => (
                <li key={job.id} className="job-list__item" data-job-id={job.id}>
                  <span className="tag">{job.type.toLowerCase()}</span>
                  <span className={`badge badge--${JOB_STATUS_TONE[job.status]}`}>
                    {job.status.toLowerCase()}
                  </span>
                  <span>{job.progress} %</span>
                  <span className="muted">
                    <RelativeTime iso={job.updatedAt} now={now} />
                  </span>
                  {job.errorMessage && <span className="job-list__error">{job.errorMessage}</span>}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    );
  } else if (error) {
    body = (
      <ErrorPanel error={describeError(error)} testId="dataset-error">
        <button
          type="button"
          className="button"
          onClick={() => void refetch().catch(() => undefined)}
        >
          Try again
        </button>
      </ErrorPanel>
    );
  } else {
    body = (
      <p className="muted" role="status">
        Loading the data set…
      </p>
    );
  }

  return (
    <>
      <title>{`${dataset?.name ?? 'Data set'} · Analytics Platform`}</title>
      <header className="page-header page-header--actions">
        <div>
          <p className="breadcrumb">
            <Link to="/datasets">Datasets</Link>
          </p>
          <h1 className="page-header__name">{dataset?.name ?? 'Data set'}</h1>
        </div>
        {dataset?.status === 'READY' && (
          <Link to={askPath(dataset.id)} className="button" data-testid="ask-about-dataset">
            Ask a question
          </Link>
        )}
      </header>
      {body}
    </>
  );
}
