import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import { errorDetails, retryAfterSeconds } from './errors';

function serverError(status: number, bodyText: string, headers: Record<string, string> = {}) {
  return new ServerError(`HTTP ${status}`, {
    response: new Response(bodyText, { status, headers }),
    bodyText,
  });
}

describe('error details', () => {
  test('from a GraphQL error and from the body of a non-2xx answer', () => {
    const details = { reason: 'INVALID_SQL', errors: ['Only SELECT.'] };
    expect(
      errorDetails(
        new CombinedGraphQLErrors({
          data: null,
          errors: [{ message: 'no', extensions: { code: 'BAD_USER_INPUT', details } }],
        }),
      ),
    ).toEqual(details);
    expect(
      errorDetails(
        serverError(400, JSON.stringify({ errors: [{ message: 'no', extensions: { details } }] })),
      ),
    ).toEqual(details);
  });

  test('none for errors without them', () => {
    expect(errorDetails(new Error('boom'))).toBeUndefined();
    expect(errorDetails(serverError(502, '<html>bad gateway</html>'))).toBeUndefined();
  });
});

describe('retryAfterSeconds', () => {
  const now = new Date('2026-11-24T10:00:00Z');

  test("details.retryAfterSeconds first, then the gateway's Retry-After (seconds or a date)", () => {
    const limited = new CombinedGraphQLErrors({
      data: null,
      errors: [
        {
          message: 'limit',
          extensions: { code: 'RATE_LIMITED', details: { retryAfterSeconds: 61 } },
        },
      ],
    });
    expect(retryAfterSeconds(limited, now)).toBe(61);
    expect(retryAfterSeconds(serverError(429, 'slow down', { 'retry-after': '30' }), now)).toBe(30);
    expect(
      retryAfterSeconds(
        serverError(429, 'slow down', { 'retry-after': 'Tue, 24 Nov 2026 10:01:00 GMT' }),
        now,
      ),
    ).toBe(60);
  });

  test('undefined when nobody said', () => {
    expect(retryAfterSeconds(serverError(429, 'slow down'), now)).toBeUndefined();
    expect(retryAfterSeconds(new Error('x'), now)).toBeUndefined();
  });
});
