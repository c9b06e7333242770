/**
 * What the upload page says about a queued file's processing, from the job as last read, the
 * latest progress event, and the data set's status (updated live by `datasetEvents`).
 *
 * The three arrive independently: a progress event can be newer than the job read alongside it
 * (the platform applies events to the job a moment after the gateway delivers them), and the data
 * set's READY or FAILED comes from a different topic than progress. So progress never goes back,
 * and the data set's final status wins over an older job state.
 */
import type { DatasetStatus, JobStatus } from '../../schema-types';

export interface JobSnapshot {
  status: JobStatus;
  progress: number;
  errorMessage: string | null;
  dataset: { status: DatasetStatus; errorMessage: string | null } | null;
}

export interface ProgressEvent {
  status: JobStatus;
  progress: number;
  rowsProcessed: number | null;
  message: string | null;
}

export type JobPhase = 'queued' | 'processing' | 'ready' | 'failed';

export interface JobView {
  phase: JobPhase;
  /** 0 to 100. */
  progress: number;
  rowsProcessed: number | null;
  /** The processor's latest word while it works (e.g. "Reading rows"). */
  message: string | null;
  /** Why processing failed, when it did. */
  reason: string | null;
  /** Nothing more will happen: stop listening. */
  finished: boolean;
}

const clamp = (value: number) => Math.max(0, Math.min(100, Math.round(value)));

export function jobView(job: JobSnapshot, event: ProgressEvent | null): JobView {
  const dataset = job.dataset;
  const progress = clamp(Math.max(job.progress, event?.progress ?? 0));
  const rowsProcessed = event?.rowsProcessed ?? null;

  if (dataset?.status === 'FAILED' || job.status === 'FAILED') {
    return {
      phase: 'failed',
      progress,
      rowsProcessed,
      message: null,
      reason:
        job.errorMessage ??
        dataset?.errorMessage ??
        'Processing failed, and the platform gave no reason.',
      finished: true,
    };
  }
  if (dataset?.status === 'READY' || job.status === 'COMPLETED') {
    return {
      phase: 'ready',
      progress: 100,
      rowsProcessed,
      message: null,
      reason: null,
      finished: true,
    };
  }
  const processing =
    job.status === 'PROCESSING' ||
    event?.status === 'PROCESSING' ||
    dataset?.status === 'PROCESSING';
  return {
    phase: processing ? 'processing' : 'queued',
    progress,
    rowsProcessed,
    message: event?.message ?? null,
    reason: null,
    finished: false,
  };
}
