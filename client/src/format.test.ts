import { formatDuration, formatNumber } from './format';

describe('formatNumber', () => {
  test('groups from five digits, so that years read as years', () => {
    expect(formatNumber(2015, 'en-US')).toBe('2015');
    expect(formatNumber(12345, 'en-US')).toBe('12,345');
    expect(formatNumber(1234567.891, 'en-US')).toBe('1,234,567.891');
  });

  test('at most four decimals', () => {
    expect(formatNumber(16.439088, 'en-US')).toBe('16.4391');
    expect(formatNumber(-0.5, 'en-US')).toBe('-0.5');
  });

  test('integers beyond 2^53 sent as text are formatted exactly; other text is left alone', () => {
    expect(formatNumber('9007199254740993', 'en-US')).toBe('9,007,199,254,740,993');
    expect(formatNumber('12.50', 'en-US')).toBe('12.5');
    expect(formatNumber('n/a', 'en-US')).toBe('n/a');
    expect(formatNumber(Number.NaN, 'en-US')).toBe('NaN');
  });
});

describe('formatDuration', () => {
  test('milliseconds under a second, seconds after', () => {
    expect(formatDuration(12, 'en-US')).toBe('12 ms');
    expect(formatDuration(1234, 'en-US')).toBe('1.2 sec');
    expect(formatDuration(-1, 'en-US')).toBe('—');
  });
});
