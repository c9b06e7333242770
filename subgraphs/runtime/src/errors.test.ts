/**
 * Feature: ai-analytics-platform, Property 47: Error logging completeness (client side of it) —
 * whatever an error contains, the client sees a stable code, the request id and a timestamp, and
 * never a stack trace or an internal message.
 */
import fc from 'fast-check';
import { AppError, ErrorCode, toClientError } from './errors';

const codes = Object.values(ErrorCode);

describe('toClientError', () => {
  it('keeps our codes, message and details, adding request id and timestamp', () => {
    const error = new AppError(ErrorCode.NOT_FOUND, 'Dataset x was not found.', {
      details: { id: 'x' },
    });
    const now = new Date('2026-11-24T10:00:00Z');
    expect(toClientError(error.toJSON(), 'req-12345678', now)).toEqual({
      message: 'Dataset x was not found.',
      extensions: {
        code: 'NOT_FOUND',
        details: { id: 'x' },
        requestId: 'req-12345678',
        timestamp: '2026-11-24T10:00:00.000Z',
      },
    });
  });

  it('maps graphql-js validation and parse failures to BAD_USER_INPUT', () => {
    const out = toClientError(
      {
        message: 'Cannot query field "nope" on type "Query".',
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      },
      'r-12345678',
    );
    expect(out.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(out.message).toContain('nope');
  });

  it('a code naming an Object.prototype member is unknown, not a function', () => {
    for (const code of ['valueOf', 'toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(
        toClientError({ message: 'x', extensions: { code } }, 'r-12345678').extensions?.code,
      ).toBe('INTERNAL');
    }
  });

  it('for any unknown error: INTERNAL, a generic message, no stack, no internal text', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.option(fc.string(), { nil: undefined }),
        fc.dictionary(fc.string(), fc.jsonValue()),
        (message, code, extra) => {
          fc.pre(code === undefined || !(codes as string[]).includes(code));
          fc.pre(
            ![
              'GRAPHQL_PARSE_FAILED',
              'GRAPHQL_VALIDATION_FAILED',
              'BAD_REQUEST',
              'BAD_USER_INPUT',
              'OPERATION_RESOLUTION_FAILURE',
              'PERSISTED_QUERY_NOT_FOUND',
              'PERSISTED_QUERY_NOT_SUPPORTED',
            ].includes(code ?? ''),
          );
          const stack = `Error: ${message}\n    at query (/srv/app/node_modules/pg/lib/client.js:1:1)`;
          const out = toClientError(
            {
              message,
              extensions: { ...extra, code, stacktrace: stack.split('\n'), exception: { stack } },
            },
            'req-abcdefgh',
          );
          expect(out.extensions?.code).toBe('INTERNAL');
          expect(Object.keys(out.extensions ?? {}).sort()).toEqual([
            'code',
            'requestId',
            'timestamp',
          ]);
          const text = JSON.stringify(out);
          expect(text).not.toContain('node_modules');
          if (message.length > 3) expect(out.message).not.toContain(message);
        },
      ),
    );
  });

  it('for any of our codes, the output has exactly code, requestId, timestamp (and details when given)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...codes), fc.string({ minLength: 1 }), (code, message) => {
        const out = toClientError(new AppError(code, message).toJSON(), undefined);
        expect(out.extensions).toMatchObject({ code, requestId: 'unknown' });
        expect(Number.isNaN(Date.parse(String(out.extensions?.timestamp)))).toBe(false);
        expect(out).not.toHaveProperty('stack');
      }),
    );
  });
});
