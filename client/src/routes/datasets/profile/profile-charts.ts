/**
 * Vega-Lite specifications of a column's distribution: a histogram for numbers, dates and
 * timestamps, a bar chart of the most frequent values for text and booleans. Plain data in, a
 * spec out, so the same spec renders in the browser and in a server-side export.
 */
import type { ColumnProfile } from './profile-types';

/** A Vega-Lite specification (kept loose: vega-lite's own type is loaded only with the chart). */
export type ChartSpec = Record<string, unknown>;

const TEMPORAL = new Set(['date', 'timestamp']);
const WIDTH = 260;
const HEIGHT = 120;

/** The chart that shows `column` best, or null when it has nothing to draw. */
export function columnChart(column: ColumnProfile): ChartSpec | null {
  if (column.histogram && column.histogram.length > 0) return histogramSpec(column);
  if (column.topValues && column.topValues.length > 0) return topValuesSpec(column);
  return null;
}

function histogramSpec(column: ColumnProfile): ChartSpec {
  const temporal = TEMPORAL.has(column.dataType);
  const values = (column.histogram ?? []).map((bin) => ({
    start: temporal ? bin.start : Number(bin.start),
    end: temporal ? bin.end : Number(bin.end),
    count: bin.count,
  }));
  const type = temporal ? 'temporal' : 'quantitative';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `Distribution of ${column.name}${column.sampled ? ' (from a sample)' : ''}`,
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: 'start', type, bin: { binned: true }, title: column.name },
      x2: { field: 'end' },
      y: { field: 'count', type: 'quantitative', title: 'rows' },
    },
  };
}

function topValuesSpec(column: ColumnProfile): ChartSpec {
  const values = (column.topValues ?? []).map((v) => ({ value: v.value, count: v.count }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `Most frequent values of ${column.name}${column.topValuesApproximate ? ' (counts are lower bounds)' : ''}`,
    width: WIDTH,
    height: Math.max(40, values.length * 16),
    data: { values },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: { field: 'value', type: 'nominal', sort: '-x', title: null },
      x: { field: 'count', type: 'quantitative', title: 'rows' },
    },
  };
}
