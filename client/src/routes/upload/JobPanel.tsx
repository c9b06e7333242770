import { useId } from 'react';
import { Link } from 'react-router';
import { ErrorPanel } from '../../components/ErrorPanel';
import { LiveNotice } from '../../components/LiveNotice';
import { ProgressBar } from '../../components/ProgressBar';
import { describeError } from '../../errors';
import { formatCount } from '../../format';
import type { JobPhase, JobView } from './job-view';
import { useJobProgress, type FollowedJob } from './use-job-progress';

const PHASE_BADGE: Record<JobPhase, { label: string; tone: string }> = {
  queued: { label: 'Queued', tone: 'pending' },
  processing: { label: 'Processing', tone: 'processing' },
  ready: { label: 'Ready', tone: 'ready' },
  failed: { label: 'Failed', tone: 'failed' },
};

function rows(count: number | null, noun: string): string | null {
  const text = formatCount(count);
  return text === null ? null : `${text} ${noun}${count === 1 ? '' : 's'}`;
}

/** One sentence on where processing stands, announced when it changes. */
function statusSentence(view: JobView, job: FollowedJob): string {
  switch (view.phase) {
    case 'queued':
      return 'Queued: waiting for the processor to pick the file up.';
    case 'processing': {
      const read = rows(view.rowsProcessed, 'row');
      return [`Processing: ${view.progress} %`, read && `${read} read`, view.message]
        .filter(Boolean)
        .join(' · ');
    }
    case 'ready': {
      const shape = [
        rows(job.dataset?.rowCount ?? null, 'row'),
        rows(job.dataset?.columnCount ?? null, 'column'),
      ]
        .filter(Boolean)
        .join(', ');
      return shape ? `Ready: ${shape}.` : 'Ready.';
    }
    case 'failed':
      return 'Processing failed.';
  }
}

/**
 * After the upload: the job that turns the file into a typed data set, followed live until the data
 * set is READY (with a link to it) or FAILED (with the processor's reason).
 */
export function JobPanel({ jobId, onAnother }: { jobId: string; onAnother: () => void }) {
  const titleId = useId();
  const { job, loaded, view, error, liveError } = useJobProgress(jobId);
  const dataset = job?.dataset ?? null;

  let body;
  if (job && view) {
    body = (
      <>
        <ProgressBar
          label="Processing progress"
          percent={view.progress}
          tone={view.phase === 'ready' ? 'ok' : view.phase === 'failed' ? 'danger' : 'accent'}
          testId="job-progress"
        />
        <p className="upload-step__stats" role="status" data-testid="job-status">
          {statusSentence(view, job)}
        </p>
        {view.phase === 'failed' && (
          <div className="form-error" data-testid="job-error">
            <p>{view.reason}</p>
          </div>
        )}
        <LiveNotice error={liveError} />
        <div className="panel__actions">
          {dataset && (
            <Link
              to={`/datasets/${dataset.id}`}
              className={view.finished ? 'button' : 'button button--ghost'}
              data-testid="open-dataset"
            >
              Open the data set
            </Link>
          )}
          <button type="button" className="button button--ghost" onClick={onAnother}>
            Upload another file
          </button>
        </div>
      </>
    );
  } else if (error) {
    body = <ErrorPanel error={describeError(error)} testId="job-load-error" />;
  } else if (loaded) {
    body = (
      <p className="muted" data-testid="job-gone">
        This job is not there any more: its data set was deleted.
      </p>
    );
  } else {
    body = (
      <p className="muted" role="status">
        Loading the job…
      </p>
    );
  }

  return (
    <section
      className="upload-step"
      aria-labelledby={titleId}
      data-testid="job-panel"
      data-job-id={jobId}
      data-dataset-id={dataset?.id}
      data-phase={view?.phase}
    >
      <h2 id={titleId} className="upload-step__title">
        Processing {dataset && <span className="upload-step__file">{dataset.name}</span>}
        {view && (
          <span className={`badge badge--${PHASE_BADGE[view.phase].tone}`} data-testid="job-phase">
            {PHASE_BADGE[view.phase].label}
          </span>
        )}
      </h2>
      {body}
    </section>
  );
}
