import fc from 'fast-check';
import { exceedsTokenLimit } from './hardening';

describe('token limit', () => {
  it('an operation of n tokens exceeds the limit exactly when n > limit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 1, max: 300 }),
        (fields, limit) => {
          // `{ a a a }`: the braces are two tokens, each field one.
          const query = `{ ${'a '.repeat(fields)}}`;
          expect(exceedsTokenLimit(query, limit)).toBe(fields + 2 > limit);
        },
      ),
    );
  });

  it('stops counting at the limit, so a huge operation costs no more than a small one', () => {
    const huge = `{ ${'__typename '.repeat(1_000_000)}}`;
    expect(exceedsTokenLimit(huge, 2000)).toBe(true);
  });

  it('leaves syntax errors to graphql-js, which reports them with their position', () => {
    expect(exceedsTokenLimit('{ "unterminated', 5)).toBe(false);
  });
});
