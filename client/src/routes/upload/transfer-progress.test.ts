import fc from 'fast-check';
import {
  addSample,
  bytesPerSecond,
  formatDuration,
  partRanges,
  percentOf,
  secondsLeft,
  sentBytes,
  SPEED_WINDOW_MS,
} from './transfer-progress';

/** A plan as the platform makes it: parts of `partBytes`, the last one smaller or equal. */
function plan(size: number, partBytes: number) {
  const count = Math.ceil(size / partBytes);
  return Array.from({ length: count }, (_, i) => ({
    partNumber: i + 1,
    sizeBytes: i < count - 1 ? partBytes : size - partBytes * (count - 1),
  }));
}

describe('partRanges', () => {
  test('consecutive slices that cover the file exactly, in part order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 1, max: 500 }),
        fc.boolean(),
        (size, maxParts, shuffle) => {
          // At most 500 parts (storage allows 10,000; the arithmetic is the same).
          const parts = plan(size, Math.ceil(size / maxParts));
          const ranges = partRanges(shuffle ? [...parts].reverse() : parts, size);
          expect(ranges.map((r) => r.partNumber)).toEqual(parts.map((p) => p.partNumber));
          expect(ranges[0]?.start).toBe(0);
          expect(ranges[ranges.length - 1]?.end).toBe(size);
          ranges.forEach((range, i) => {
            expect(range.end - range.start).toBe(parts[i]?.sizeBytes);
            if (i > 0) expect(range.start).toBe(ranges[i - 1]?.end);
          });
        },
      ),
    );
  });

  test('refuses a plan that does not cover the file, or skips a part', () => {
    expect(() => partRanges(plan(100, 40), 101)).toThrow('the parts cover 100 bytes');
    expect(() =>
      partRanges(
        [
          { partNumber: 1, sizeBytes: 10 },
          { partNumber: 3, sizeBytes: 10 },
        ],
        20,
      ),
    ).toThrow('is not part 2');
    expect(() => partRanges([{ partNumber: 1, sizeBytes: 0 }], 0)).toThrow();
  });
});

describe('sentBytes and percentOf', () => {
  test('the sum over parts in flight and done; 100 % only when every byte is sent', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 20, maxLength: 20 }),
        (sizes, fractions) => {
          const total = sizes.reduce((a, b) => a + b, 0);
          const sent = new Map(
            sizes.map((size, i) => [i + 1, Math.floor(size * (fractions[i] ?? 0))]),
          );
          const bytes = sentBytes(sent);
          expect(bytes).toBe([...sent.values()].reduce((a, b) => a + b, 0));
          const percent = percentOf(bytes, total);
          expect(Number.isInteger(percent)).toBe(true);
          expect(percent).toBeGreaterThanOrEqual(0);
          expect(percent === 100).toBe(bytes >= total);
          expect(percentOf(total, total)).toBe(100);
        },
      ),
    );
  });

  test('a slower part does not hide the others: the total grows with any part', () => {
    const sent = new Map([
      [1, 5],
      [2, 0],
    ]);
    expect(sentBytes(sent)).toBe(5);
    sent.set(2, 7);
    expect(sentBytes(sent)).toBe(12);
    sent.set(1, 0); // part 1 is being tried again
    expect(sentBytes(sent)).toBe(7);
  });

  test('an empty total is 0 %', () => {
    expect(percentOf(0, 0)).toBe(0);
  });
});

describe('speed', () => {
  test('bytes per second over the samples kept; unknown before a quarter of a second', () => {
    let samples = addSample([], { at: 0, bytes: 0 });
    expect(bytesPerSecond(samples)).toBeNull();
    samples = addSample(samples, { at: 100, bytes: 1_000 });
    expect(bytesPerSecond(samples)).toBeNull();
    samples = addSample(samples, { at: 1_000, bytes: 2_000_000 });
    expect(bytesPerSecond(samples)).toBe(2_000_000);
  });

  test('only the last seconds count, so a stall shows at once', () => {
    let samples = addSample([], { at: 0, bytes: 0 });
    samples = addSample(samples, { at: 10_000, bytes: 10_000_000 }); // 1 MB/s so far
    samples = addSample(samples, { at: 20_000, bytes: 10_000_000 }); // then nothing for 10 s
    expect(samples.every((s) => s.at >= 20_000 - SPEED_WINDOW_MS - 10_000)).toBe(true);
    expect(bytesPerSecond(samples)).toBe(0);
  });

  test('keeps a bounded number of samples however long the transfer', () => {
    let samples = addSample([], { at: 0, bytes: 0 });
    for (let at = 10; at <= 600_000; at += 10) samples = addSample(samples, { at, bytes: at });
    expect(samples.length).toBeLessThanOrEqual(SPEED_WINDOW_MS / 10 + 2);
    expect(bytesPerSecond(samples)).toBeCloseTo(1000);
  });

  test('time left', () => {
    expect(secondsLeft(0, null)).toBe(0);
    expect(secondsLeft(100, null)).toBeNull();
    expect(secondsLeft(100, 0)).toBeNull();
    expect(secondsLeft(1_000, 300)).toBe(4);
  });

  test.each([
    [0, '0 s'],
    [42, '42 s'],
    [60, '1 min'],
    [75, '1 min 15 s'],
    [3_600, '1 h'],
    [3_725, '1 h 2 min'],
  ])('%d seconds read "%s"', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});
