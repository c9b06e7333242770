/**
 * The job state machine (QUEUED -> PROCESSING -> COMPLETED | FAILED) over any sequence of
 * processor events, in any order and with repeats: progress only grows within 0-100, a finished
 * job never changes, PROCESSING never returns to QUEUED, a repeated event is a no-op, and a
 * completed job is at 100%.
 */
import fc from 'fast-check';
import { isFinished, nextJobState, type JobState } from './job-state';
import type { ProcessingEvent } from './processing-events';

const ids = {
  eventId: '7a2d3c9f-4054-4b67-8e9f-1c8b2a3d4e5f',
  occurredAt: '2026-11-24T10:15:31.250Z',
  jobId: '1d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5',
  datasetId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
};

const progress = (status: 'QUEUED' | 'PROCESSING', value: number): ProcessingEvent => ({
  kind: 'progress',
  ...ids,
  status,
  progress: value,
});
const complete: ProcessingEvent = {
  kind: 'complete',
  ...ids,
  version: 1,
  rowCount: 10,
  columnCount: 2,
  output: { bucket: 'analytics-data', prefix: `datasets/${ids.datasetId}/v1/` },
  processingTimeMs: 5,
};
const failed: ProcessingEvent = {
  kind: 'failed',
  ...ids,
  code: 'INVALID_CSV',
  reason: 'Line 3 has an unterminated quote.',
};

const eventArb: fc.Arbitrary<ProcessingEvent> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(
        fc.constantFrom('QUEUED' as const, 'PROCESSING' as const),
        fc.integer({ min: 0, max: 100 }),
      )
      .map(([status, value]) => progress(status, value)),
  },
  { weight: 1, arbitrary: fc.constant(complete) },
  { weight: 1, arbitrary: fc.constant(failed) },
);
const eventsArb = fc.array(eventArb, { maxLength: 40 });

const initial: JobState = { status: 'QUEUED', progress: 0 };

/** Every state from the initial one, applying the events in order (undefined keeps the state). */
function run(events: ProcessingEvent[]): JobState[] {
  const states = [initial];
  for (const event of events) {
    const state = states[states.length - 1]!;
    states.push(nextJobState(state, event) ?? state);
  }
  return states;
}

/** Consecutive pairs of states. */
const steps = (states: JobState[]) => states.slice(1).map((next, i) => [states[i]!, next] as const);

describe('job state machine', () => {
  it('moves through a typical job', () => {
    expect(
      run([
        progress('QUEUED', 0),
        progress('PROCESSING', 10),
        progress('PROCESSING', 40),
        progress('QUEUED', 0),
        progress('PROCESSING', 30),
        complete,
        failed,
      ]),
    ).toEqual([
      { status: 'QUEUED', progress: 0 },
      { status: 'QUEUED', progress: 0 },
      { status: 'PROCESSING', progress: 10 },
      { status: 'PROCESSING', progress: 40 },
      { status: 'PROCESSING', progress: 40 },
      { status: 'PROCESSING', progress: 40 },
      { status: 'COMPLETED', progress: 100 },
      { status: 'COMPLETED', progress: 100 },
    ]);
  });

  it('answers undefined, not a copy, when nothing changes', () => {
    expect(nextJobState(initial, progress('QUEUED', 0))).toBeUndefined();
    expect(nextJobState({ status: 'PROCESSING', progress: 50 }, progress('QUEUED', 20))).toBe(
      undefined,
    );
    expect(nextJobState({ status: 'FAILED', progress: 20 }, complete)).toBeUndefined();
    expect(nextJobState({ status: 'COMPLETED', progress: 100 }, failed)).toBeUndefined();
  });

  it('keeps the progress reached when a job fails, and takes status and progress separately', () => {
    expect(nextJobState({ status: 'PROCESSING', progress: 70 }, failed)).toEqual({
      status: 'FAILED',
      progress: 70,
    });
    expect(nextJobState({ status: 'QUEUED', progress: 30 }, progress('PROCESSING', 10))).toEqual({
      status: 'PROCESSING',
      progress: 30,
    });
    expect(nextJobState(initial, progress('QUEUED', 15))).toEqual({
      status: 'QUEUED',
      progress: 15,
    });
  });

  it('never lowers progress and keeps it within 0-100', () => {
    fc.assert(
      fc.property(eventsArb, (events) => {
        for (const [before, after] of steps(run(events))) {
          expect(after.progress).toBeGreaterThanOrEqual(before.progress);
          expect(after.progress).toBeLessThanOrEqual(100);
          expect(Number.isInteger(after.progress)).toBe(true);
        }
      }),
    );
  });

  it('never changes a COMPLETED or FAILED job again', () => {
    fc.assert(
      fc.property(eventsArb, (events) => {
        const states = run(events);
        const end = states.findIndex((s) => isFinished(s.status));
        if (end === -1) return;
        for (const state of states.slice(end)) expect(state).toEqual(states[end]);
        for (const event of events) expect(nextJobState(states[end]!, event)).toBeUndefined();
      }),
    );
  });

  it('never goes back from PROCESSING to QUEUED', () => {
    fc.assert(
      fc.property(eventsArb, (events) => {
        for (const [before, after] of steps(run(events))) {
          if (before.status !== 'QUEUED') expect(after.status).not.toBe('QUEUED');
        }
      }),
    );
  });

  it('changes nothing when the same event comes twice in a row', () => {
    fc.assert(
      fc.property(eventsArb, (events) => {
        const states = run(events);
        events.forEach((event, i) => {
          expect(nextJobState(states[i + 1]!, event)).toBeUndefined();
        });
      }),
    );
  });

  it('is at 100% whenever COMPLETED', () => {
    fc.assert(
      fc.property(eventsArb, (events) => {
        for (const state of run(events)) {
          if (state.status === 'COMPLETED') expect(state.progress).toBe(100);
        }
      }),
    );
  });

  it('reports a change only when the state really changes', () => {
    fc.assert(
      fc.property(eventsArb, eventArb, (events, event) => {
        const state = run(events).at(-1)!;
        const next = nextJobState(state, event);
        if (next !== undefined) expect(next).not.toEqual(state);
      }),
    );
  });

  it('reaches the furthest progress reported before the job finished', () => {
    fc.assert(
      fc.property(eventsArb, (events) => {
        const end = events.findIndex((e) => e.kind !== 'progress');
        const before = end === -1 ? events : events.slice(0, end);
        const furthest = Math.max(
          0,
          ...before.map((e) => (e.kind === 'progress' ? e.progress : 0)),
        );
        const last = run(events).at(-1)!;
        expect(last.progress).toBe(events[end]?.kind === 'complete' ? 100 : furthest);
      }),
    );
  });
});
