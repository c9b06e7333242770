import fc from 'fast-check';
import { jobView, type JobSnapshot, type ProgressEvent } from './job-view';

const queued: JobSnapshot = {
  status: 'QUEUED',
  progress: 0,
  errorMessage: null,
  dataset: { status: 'PENDING', errorMessage: null },
};

const event = (progress: number, extra: Partial<ProgressEvent> = {}): ProgressEvent => ({
  status: 'PROCESSING',
  progress,
  rowsProcessed: null,
  message: null,
  ...extra,
});

describe('jobView', () => {
  test('a new job is queued at 0 % and not finished', () => {
    expect(jobView(queued, null)).toEqual({
      phase: 'queued',
      progress: 0,
      rowsProcessed: null,
      message: null,
      reason: null,
      finished: false,
    });
  });

  test('a progress event moves it to processing, with its rows and message', () => {
    expect(
      jobView(queued, event(40, { rowsProcessed: 1200, message: 'Reading rows' })),
    ).toMatchObject({
      phase: 'processing',
      progress: 40,
      rowsProcessed: 1200,
      message: 'Reading rows',
      finished: false,
    });
  });

  test('progress never goes back: the newer of the job and the event wins', () => {
    expect(jobView({ ...queued, status: 'PROCESSING', progress: 70 }, event(40)).progress).toBe(70);
    expect(jobView({ ...queued, status: 'PROCESSING', progress: 30 }, event(55)).progress).toBe(55);
  });

  test('a QUEUED event with progress stays queued', () => {
    expect(jobView(queued, event(5, { status: 'QUEUED' })).phase).toBe('queued');
  });

  test('the data set being READY means done, even before the job says COMPLETED', () => {
    const view = jobView(
      {
        ...queued,
        status: 'PROCESSING',
        progress: 90,
        dataset: { status: 'READY', errorMessage: null },
      },
      event(90),
    );
    expect(view).toMatchObject({ phase: 'ready', progress: 100, finished: true, reason: null });
    expect(jobView({ ...queued, status: 'COMPLETED', progress: 100 }, null).phase).toBe('ready');
  });

  test('a failure is final and says why: the job error first, then the data set error', () => {
    const failedDataset = {
      status: 'FAILED' as const,
      errorMessage: 'Row 7 has 3 columns, not 4.',
    };
    expect(jobView({ ...queued, dataset: failedDataset }, event(35))).toMatchObject({
      phase: 'failed',
      progress: 35,
      reason: 'Row 7 has 3 columns, not 4.',
      finished: true,
    });
    expect(
      jobView(
        { ...queued, status: 'FAILED', errorMessage: 'Not UTF-8.', dataset: failedDataset },
        null,
      ).reason,
    ).toBe('Not UTF-8.');
    expect(jobView({ ...queued, status: 'FAILED' }, null).reason).toBe(
      'Processing failed, and the platform gave no reason.',
    );
  });

  test('progress is a whole number from 0 to 100', () => {
    expect(jobView({ ...queued, progress: -5 }, null).progress).toBe(0);
    expect(jobView(queued, event(140)).progress).toBe(100);
  });

  test('whether the job is finished never depends on a progress event (the feed can close)', () => {
    const status = fc.constantFrom('QUEUED', 'PROCESSING', 'COMPLETED', 'FAILED' as const);
    const datasetStatus = fc.constantFrom('PENDING', 'PROCESSING', 'READY', 'FAILED' as const);
    fc.assert(
      fc.property(
        status,
        datasetStatus,
        fc.integer({ min: 0, max: 100 }),
        fc.constantFrom('QUEUED', 'PROCESSING' as const),
        fc.integer({ min: 0, max: 100 }),
        (jobStatus, dsStatus, jobProgress, eventStatus, eventProgress) => {
          const job: JobSnapshot = {
            status: jobStatus,
            progress: jobProgress,
            errorMessage: null,
            dataset: { status: dsStatus, errorMessage: null },
          };
          const withEvent = jobView(job, event(eventProgress, { status: eventStatus }));
          expect(withEvent.finished).toBe(jobView(job, null).finished);
          expect(withEvent.progress).toBeGreaterThanOrEqual(jobView(job, null).progress);
        },
      ),
    );
  });
});
