/**
 * The chart that fits a plan's result, as a Vega-Lite spec without data (the app adds the rows):
 * a line over time, bars across categories (coloured by a second grouping), an arc for shares,
 * horizontal bars for a ranked list; none for a single number.
 */
import type { Plan } from './plan';

export type VegaLiteSpec = Record<string, unknown>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

export function chartFor(plan: Plan, outputs: string[]): VegaLiteSpec | null {
  const base = { $schema: SCHEMA, width: 'container', height: 300 };
  if (plan.list) {
    if (plan.list.length < 2) return null;
    const [label, value] = outputs;
    return {
      ...base,
      mark: { type: 'bar', tooltip: true },
      encoding: {
        y: { field: label, type: 'nominal', sort: null, title: label },
        x: { field: value, type: 'quantitative', title: value },
      },
    };
  }
  if (plan.groups.length === 0 || plan.measures.length === 0) return null;
  const groupFields = outputs.slice(0, plan.groups.length);
  const measureField = outputs[plan.groups.length]!;
  const y = { field: measureField, type: 'quantitative', title: measureField };
  const [first, second] = plan.groups;
  const firstTemporal = first!.column.temporal;
  const timeType = first!.bucket === 'year' || !firstTemporal ? 'ordinal' : 'temporal';
  const xType = firstTemporal ? timeType : 'nominal';
  const sort = plan.order?.by === 'measure' ? (plan.order.direction === 'desc' ? '-y' : 'y') : null;
  if (plan.measures[0]!.share && plan.groups.length === 1) {
    return {
      ...base,
      mark: { type: 'arc', tooltip: true },
      encoding: {
        theta: { field: measureField, type: 'quantitative', title: measureField },
        color: { field: groupFields[0], type: 'nominal', title: groupFields[0] },
      },
    };
  }
  const x = {
    field: groupFields[0],
    type: xType,
    title: groupFields[0],
    ...(xType === 'nominal' ? { sort } : {}),
  };
  const color = second
    ? { color: { field: groupFields[1], type: 'nominal', title: groupFields[1] } }
    : {};
  if (firstTemporal) {
    return {
      ...base,
      mark: { type: 'line', point: true, tooltip: true },
      encoding: { x, y, ...color },
    };
  }
  return {
    ...base,
    mark: { type: 'bar', tooltip: true },
    encoding: { x, y, ...color, ...(second ? { xOffset: { field: groupFields[1] } } : {}) },
  };
}
