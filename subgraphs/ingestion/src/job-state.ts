/**
 * A job's state machine: QUEUED -> PROCESSING -> COMPLETED | FAILED. Progress is 0-100 and never
 * goes back; a finished job never changes again; the same event twice changes nothing the second
 * time (the consumer also records applied event ids).
 */
import type { ProcessingEvent } from './processing-events';

export type JobStatus = 'QUEUED' | 'PROCESSING' | 'COMPLETED' | 'FAILED';

export interface JobState {
  status: JobStatus;
  progress: number;
}

export const isFinished = (status: JobStatus) => status === 'COMPLETED' || status === 'FAILED';

/** The state after `event`, or undefined when the event changes nothing. */
export function nextJobState(state: JobState, event: ProcessingEvent): JobState | undefined {
  if (isFinished(state.status)) return undefined;
  let next: JobState;
  switch (event.kind) {
    case 'progress':
      next = {
        status:
          event.status === 'PROCESSING' || state.status === 'PROCESSING' ? 'PROCESSING' : 'QUEUED',
        progress: Math.max(state.progress, event.progress),
      };
      break;
    case 'complete':
      next = { status: 'COMPLETED', progress: 100 };
      break;
    case 'failed':
      next = { status: 'FAILED', progress: state.progress };
      break;
  }
  return next.status === state.status && next.progress === state.progress ? undefined : next;
}
