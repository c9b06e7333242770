/**
 * The built-in explanation of a result (Property 16): what was computed, over which rows, and the
 * headline numbers, in plain sentences derived from the plan and the rows it returned.
 */
import type { QueryResult, Json } from '../../warehouse/warehouse';
import type { Filter, Measure, Plan } from './plan';

const AGG_WORDS: Record<Measure['agg'], string> = {
  count: 'the number of rows',
  distinct: 'the number of distinct values of',
  sum: 'the total of',
  avg: 'the average of',
  min: 'the minimum of',
  max: 'the maximum of',
  median: 'the median of',
  stddev: 'the standard deviation of',
};

const OPS: Record<string, string> = {
  '>': 'is over',
  '<': 'is under',
  '>=': 'is at least',
  '<=': 'is at most',
  '=': 'is',
  '<>': 'is not',
};

export function formatValue(value: Json | undefined): string {
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return value.toLocaleString('en-US');
    return value.toLocaleString('en-US', { maximumFractionDigits: Math.abs(value) < 1 ? 4 : 2 });
  }
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return formatValue(Number(value));
  if (value === null || value === undefined) return 'no value';
  return String(value);
}

const list = (values: string[], joiner: string) =>
  values.length <= 1
    ? (values[0] ?? '')
    : `${values.slice(0, -1).join(', ')} ${joiner} ${values.at(-1)}`;

export function describeFilter(filter: Filter): string {
  const name = filter.column.info.name;
  switch (filter.kind) {
    case 'compare':
      return `${name} ${OPS[filter.op]} ${filter.value}`;
    case 'in':
      return `${name} ${filter.negated ? 'is not' : 'is'} ${list(filter.values, filter.negated ? 'nor' : 'or')}`;
    case 'between':
      return `${name} is between ${filter.low} and ${filter.high}`;
    case 'contains':
      return `${name} ${filter.negated ? 'does not contain' : 'contains'} "${filter.text}"`;
    case 'years': {
      const what = filter.column.temporal ? `the year of ${name}` : name;
      if (filter.from === filter.to) return `${what} is ${filter.from}`;
      if (filter.to >= 9999) return `${what} is ${filter.from} or later`;
      if (filter.from <= 0) return `${what} is ${filter.to} or earlier`;
      return `${what} is between ${filter.from} and ${filter.to}`;
    }
    case 'dates':
      return `${name} is in ${filter.label} (${filter.from} to before ${filter.to})`;
  }
}

function describeMeasure(measure: Measure): string {
  if (measure.condition) {
    return `the percentage of rows where ${measure.condition.map(describeFilter).join(' and ')}`;
  }
  const what = measure.weight
    ? `the total of ${measure.weight.info.name}`
    : measure.column
      ? `${AGG_WORDS[measure.agg]} ${measure.column.info.name}`
      : AGG_WORDS.count;
  return measure.share ? `each group's share (in percent) of ${what}` : what;
}

export function explainPlan(plan: Plan, result: QueryResult, rowCount: number): string {
  const sentences: string[] = [];
  const scope =
    plan.filters.length > 0
      ? `the rows where ${plan.filters.map(describeFilter).join(' and ')}`
      : `all ${rowCount.toLocaleString('en-US')} rows`;
  if (plan.list) {
    const order = plan.order
      ? `, ${plan.order.direction === 'desc' ? 'highest' : 'lowest'} ${plan.list[plan.order.index]!.info.name} first`
      : '';
    sentences.push(
      `Listed ${list(
        plan.list.map((c) => c.info.name),
        'and',
      )} of ${scope}${order}.`,
    );
  } else {
    const groups = plan.groups.map((g) =>
      g.bucket ? `${g.bucket} of ${g.column.info.name}` : g.column.info.name,
    );
    const per = groups.length > 0 ? ` for each ${list(groups, 'and')}` : '';
    sentences.push(
      `Computed ${list(plan.measures.map(describeMeasure), 'and')}${per} over ${scope}.`,
    );
  }
  sentences.push(headline(plan, result));
  if (result.truncated) sentences.push(`Only the first ${result.rows.length} rows are shown.`);
  return sentences.filter(Boolean).join(' ');
}

function headline(plan: Plan, result: QueryResult): string {
  const rows = result.rows;
  if (rows.length === 0) return 'No rows matched.';
  const width = plan.list ? plan.list.length : plan.groups.length;
  const label = (row: Json[]) =>
    row
      .slice(0, Math.max(1, width - (plan.list ? 1 : 0)))
      .map(formatValue)
      .join(', ');
  if (!plan.list && plan.groups.length === 0) {
    return `The answer is ${list(rows[0]!.map(formatValue), 'and')}.`;
  }
  const valueAt = plan.list ? plan.list.length - 1 : plan.groups.length;
  if (plan.limit === 1 || rows.length === 1) {
    return `The answer is ${label(rows[0]!)} with ${formatValue(rows[0]![valueAt])}.`;
  }
  const numbers = rows
    .map((row) => ({ row, value: Number(row[valueAt]) }))
    .filter((x) => Number.isFinite(x.value));
  if (numbers.length === 0) return `${rows.length} rows.`;
  const top = numbers.reduce((a, b) => (b.value > a.value ? b : a));
  const bottom = numbers.reduce((a, b) => (b.value < a.value ? b : a));
  return `${rows.length} rows; the highest is ${label(top.row)} (${formatValue(top.row[valueAt])}) and the lowest is ${label(bottom.row)} (${formatValue(bottom.row[valueAt])}).`;
}
