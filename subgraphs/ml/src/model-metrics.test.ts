import fc from 'fast-check';
import { MetricsJson, metricList } from './model-metrics';

describe('model metrics', () => {
  it('turns the JSON object into a list sorted by name', () => {
    expect(metricList(MetricsJson.parse({ rmse: 3.2, accuracy: 0.93, f1: 0.9 }))).toEqual([
      { name: 'accuracy', value: 0.93 },
      { name: 'f1', value: 0.9 },
      { name: 'rmse', value: 3.2 },
    ]);
    expect(metricList({})).toEqual([]);
  });

  it('keeps every metric exactly once, whatever the key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.double({ noNaN: true })), (metrics) => {
        const list = metricList(metrics);
        expect(Object.fromEntries(list.map((m) => [m.name, m.value]))).toEqual(metrics);
        expect(list.map((m) => m.name)).toEqual(Object.keys(metrics).sort());
      }),
    );
  });

  it('rejects a metric that is not a number', () => {
    expect(() => MetricsJson.parse({ accuracy: '0.9' })).toThrow();
    expect(() => MetricsJson.parse([0.9])).toThrow();
  });
});
