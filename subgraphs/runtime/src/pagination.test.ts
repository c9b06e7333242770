import fc from 'fast-check';
import { AppError } from './errors';
import { MAX_PAGE_SIZE, decodeCursor, encodeCursor, pageSize } from './pagination';

describe('cursor pagination', () => {
  it('round-trips any cursor', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1970-01-01'), max: new Date('2999-12-31'), noInvalidDate: true }),
        fc.uuid(),
        (createdAt, id) => {
          expect(decodeCursor(encodeCursor({ createdAt, id }))).toEqual({ createdAt, id });
        },
      ),
    );
  });

  it('refuses any malformed cursor with BAD_USER_INPUT, never another error', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.base64String(),
          fc.string().map((s) => Buffer.from(s).toString('base64url')),
        ),
        (value) => {
          try {
            decodeCursor(value);
          } catch (error) {
            expect(error).toBeInstanceOf(AppError);
            expect((error as AppError).code).toBe('BAD_USER_INPUT');
          }
        },
      ),
    );
  });

  it('accepts page sizes 1..MAX and refuses the rest', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), (n) => {
        if (n >= 1 && n <= MAX_PAGE_SIZE) expect(pageSize(n)).toBe(n);
        else expect(() => pageSize(n)).toThrow(/between 1 and 100/);
      }),
    );
    expect(pageSize(undefined)).toBe(20);
    expect(() => pageSize(1.5)).toThrow(AppError);
  });
});
