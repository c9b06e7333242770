import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import { describeAskFailure, retrySentence } from './ask-errors';

const NOW = new Date('2026-11-24T10:00:00Z');

function graphQLError(code: string, message: string, details?: Record<string, unknown>) {
  return new CombinedGraphQLErrors({
    data: null,
    errors: [
      { message, extensions: { code, requestId: 'req-1', ...(details ? { details } : {}) } },
    ],
  });
}

function httpError(status: number, body: unknown, headers: Record<string, string> = {}) {
  const bodyText = JSON.stringify(body);
  return new ServerError(`Response not successful: Received status code ${status}`, {
    response: new Response(bodyText, { status, headers }),
    bodyText,
  });
}

describe('why asking failed', () => {
  test('RATE_LIMITED: the retry time from the error details', () => {
    const failure = describeAskFailure(
      graphQLError('RATE_LIMITED', 'You have reached your limit of 100 queries an hour.', {
        limit: 100,
        retryAfterSeconds: 300,
      }),
      NOW,
    );
    expect(failure).toMatchObject({
      kind: 'rate-limited',
      retryAfterSeconds: 300,
      error: {
        code: 'RATE_LIMITED',
        requestId: 'req-1',
        message: 'You have reached your limit of 100 queries an hour.',
      },
    });
  });

  test("RATE_LIMITED as HTTP 429: the gateway's Retry-After when the body has no details", () => {
    const failure = describeAskFailure(
      httpError(
        429,
        { errors: [{ message: 'Slow down', extensions: { code: 'RATE_LIMITED' } }] },
        {
          'retry-after': '42',
          'x-request-id': 'req-2',
        },
      ),
      NOW,
    );
    expect(failure).toMatchObject({
      kind: 'rate-limited',
      retryAfterSeconds: 42,
      error: { message: 'Slow down', requestId: 'req-2' },
    });
  });

  test('Retry-After as an HTTP date counts from now', () => {
    const failure = describeAskFailure(
      httpError(429, 'too many', { 'retry-after': 'Tue, 24 Nov 2026 10:02:00 GMT' }),
      NOW,
    );
    expect(failure.kind).toBe('rate-limited');
    expect(failure.retryAfterSeconds).toBe(120);
  });

  test('SQL that cannot run: every reason is listed, none is repeated in the message', () => {
    const failure = describeAskFailure(
      graphQLError('BAD_USER_INPUT', 'The SQL cannot run: Only SELECT. Only the table data.', {
        reason: 'INVALID_SQL',
        errors: ['Only SELECT.', 'Only the table data.'],
      }),
      NOW,
    );
    expect(failure.kind).toBe('invalid-sql');
    expect(failure.sqlErrors).toEqual(['Only SELECT.', 'Only the table data.']);
    expect(failure.error.title).toBe('The SQL cannot run');
    expect(failure.error.message).not.toContain('Only SELECT');
  });

  test('a timeout keeps the platform’s message and says so in the title', () => {
    const failure = describeAskFailure(
      graphQLError('BAD_USER_INPUT', 'The query ran longer than 15 s and was stopped.', {
        reason: 'TIMEOUT',
      }),
      NOW,
    );
    expect(failure).toMatchObject({
      kind: 'timeout',
      error: {
        title: 'The query took too long',
        message: 'The query ran longer than 15 s and was stopped.',
      },
    });
  });

  test('NOT_FOUND reads as a data set that is gone or not yours', () => {
    const failure = describeAskFailure(
      graphQLError('NOT_FOUND', 'Data set 6c0e… was not found.'),
      NOW,
    );
    expect(failure.kind).toBe('not-found');
    expect(failure.error.message).toMatch(/no such data set/);
    expect(failure.error.code).toBe('NOT_FOUND');
  });

  test('anything else is described by the app’s own error helper', () => {
    const failure = describeAskFailure(
      graphQLError('UPSTREAM_UNAVAILABLE', 'The data could not be read right now.'),
      NOW,
    );
    expect(failure).toMatchObject({
      kind: 'other',
      sqlErrors: [],
      retryAfterSeconds: null,
      error: {
        title: 'A service is unavailable',
        message: 'The data could not be read right now.',
      },
    });
    expect(describeAskFailure(new Error('secret stack'), NOW).error.message).not.toContain(
      'secret',
    );
  });
});

describe('when to ask again', () => {
  test('seconds, minutes (rounded up) and the clock time', () => {
    expect(retrySentence(30, NOW, 'en-US')).toMatch(
      /^You can ask again in 30 seconds \(at .+\)\.$/,
    );
    expect(retrySentence(290, NOW, 'en-US')).toMatch(
      /^You can ask again in 5 minutes \(at .+\)\.$/,
    );
    expect(retrySentence(0, NOW)).toBe('You can ask again now.');
    expect(retrySentence(null, NOW)).toBe('Wait a little before asking again.');
  });
});
