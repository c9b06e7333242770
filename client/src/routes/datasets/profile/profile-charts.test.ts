import fc from 'fast-check';
import { columnChart } from './profile-charts';
import type { ColumnProfile } from './profile-types';

const base: ColumnProfile = {
  name: 'price',
  dataType: 'float',
  nullCount: 0,
  nullPercentage: 0,
  uniqueCount: 3,
  min: '1',
  max: '9',
  mean: 5,
  stdDev: 1,
  quartiles: ['2', '5', '7'],
  histogram: null,
  outlierCount: 0,
  sampled: false,
  topValues: null,
  topValuesApproximate: false,
};

describe('column charts', () => {
  it('draws a numeric histogram with the bins as numbers, one bar per bin', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ noNaN: true, min: -1e9, max: 1e9 }), fc.nat()), {
          minLength: 1,
          maxLength: 40,
        }),
        (bins) => {
          const histogram = bins.map(([start, count]) => ({
            start: String(start),
            end: String(start + 1),
            count,
          }));
          const spec = columnChart({ ...base, histogram })!;
          const values = (spec.data as { values: { start: number; count: number }[] }).values;
          expect(values).toHaveLength(bins.length);
          expect(values.map((v) => v.count)).toEqual(bins.map(([, count]) => count));
          expect(values.every((v) => typeof v.start === 'number')).toBe(true);
        },
      ),
    );
  });

  it('keeps date bins as ISO text on a temporal axis', () => {
    const spec = columnChart({
      ...base,
      dataType: 'date',
      histogram: [{ start: '2024-01-01', end: '2024-02-01', count: 3 }],
    })!;
    expect(JSON.stringify(spec)).toContain('"temporal"');
    expect(JSON.stringify(spec)).toContain('2024-01-01');
  });

  it('draws top values for text and nothing for a column without either', () => {
    const spec = columnChart({
      ...base,
      dataType: 'string',
      topValues: [
        { value: 'rain', count: 5 },
        { value: 'sun', count: 2 },
      ],
      topValuesApproximate: true,
    })!;
    expect(spec.description).toContain('lower bounds');
    expect(columnChart(base)).toBeNull();
  });
});
