/**
 * A Plan as SQL that runs unchanged on DuckDB and Snowflake: standard aggregates plus `median`,
 * `year`, `date_trunc` and `ILIKE` (both have them), readable aliases, one clause per line.
 */
import { TABLE_NAME, quoteIdent, quoteText } from '../../dataset-schema';
import type { Filter, Group, Measure, Plan } from './plan';
import type { IndexedColumn } from './schema-index';
import { nameWords } from './text';

const snake = (column: IndexedColumn) => nameWords(column.info.name).words.join('_') || 'value';

const AGG_SQL: Record<Measure['agg'], (e: string) => string> = {
  count: () => 'count(*)',
  distinct: (e) => `count(DISTINCT ${e})`,
  sum: (e) => `sum(${e})`,
  avg: (e) => `avg(${e})`,
  min: (e) => `min(${e})`,
  max: (e) => `max(${e})`,
  median: (e) => `median(${e})`,
  stddev: (e) => `stddev_samp(${e})`,
};
const AGG_ALIAS: Record<Measure['agg'], string> = {
  count: 'count',
  distinct: 'distinct',
  sum: 'total',
  avg: 'average',
  min: 'min',
  max: 'max',
  median: 'median',
  stddev: 'stddev',
};

export function groupExpression(group: Group, index: { yearColumn: IndexedColumn | null }): string {
  const { column, bucket } = group;
  if (bucket === null || (bucket === 'year' && column === index.yearColumn)) return column.expr;
  if (bucket === 'year') return `year(${column.expr})`;
  return `date_trunc('${bucket}', ${column.expr})`;
}

export function groupAlias(group: Group): string {
  return group.bucket ?? group.column.ident;
}

export function measureAlias(measure: Measure): string {
  if (measure.share || measure.condition) return 'percent';
  if (measure.weight) return `total_${snake(measure.weight)}`.toLowerCase();
  if (measure.agg === 'count' || !measure.column) return 'count';
  return `${AGG_ALIAS[measure.agg]}_${snake(measure.column)}`.toLowerCase();
}

function measureExpression(measure: Measure): string {
  const w = measure.weight?.expr;
  const base = w ? `sum(${w})` : AGG_SQL[measure.agg](measure.column?.expr ?? '*');
  if (measure.condition) {
    const when = measure.condition.map(filterSql).join(' AND ');
    return w
      ? `100.0 * sum(CASE WHEN ${when} THEN ${w} END) / sum(${w})`
      : `100.0 * count(CASE WHEN ${when} THEN 1 END) / count(*)`;
  }
  if (measure.share) return `100.0 * ${base} / sum(${base}) OVER ()`;
  return base;
}

// `!` escapes, not a backslash: in a Snowflake string a backslash escapes the quote itself.
const likePattern = (text: string) => {
  const escaped = text.replace(/[!%_]/g, (c) => `!${c}`);
  const pattern = quoteText(`%${escaped}%`);
  return escaped === text ? pattern : `${pattern} ESCAPE '!'`;
};

export function filterSql(filter: Filter): string {
  const e = filter.column.expr;
  switch (filter.kind) {
    case 'compare':
      return `${e} ${filter.op} ${filter.value}`;
    case 'in': {
      const values = filter.values.map(quoteText);
      if (values.length === 1) return `${e} ${filter.negated ? '<>' : '='} ${values[0]}`;
      return `${e} ${filter.negated ? 'NOT IN' : 'IN'} (${values.join(', ')})`;
    }
    case 'between':
      return `${e} BETWEEN ${filter.low} AND ${filter.high}`;
    case 'contains':
      return `${e} ${filter.negated ? 'NOT ILIKE' : 'ILIKE'} ${likePattern(filter.text)}`;
    case 'years': {
      const year = filter.column.temporal ? `year(${e})` : e;
      if (filter.from === filter.to) return `${year} = ${filter.from}`;
      if (filter.to >= 9999) return `${year} >= ${filter.from}`;
      if (filter.from <= 0) return `${year} <= ${filter.to}`;
      return `${year} BETWEEN ${filter.from} AND ${filter.to}`;
    }
    case 'dates':
      return `${e} >= DATE ${quoteText(filter.from)} AND ${e} < DATE ${quoteText(filter.to)}`;
  }
}

/** The SQL and the names of its output columns, in order. */
export function toSql(
  plan: Plan,
  index: { yearColumn: IndexedColumn | null },
): { sql: string; outputs: string[] } {
  const select: string[] = [];
  const outputs: string[] = [];
  const orderTerms: string[] = [];
  const aliases = new Set<string>();
  const alias = (wanted: string) => {
    let name = wanted;
    for (let n = 2; aliases.has(name); n += 1) name = `${wanted}_${n}`;
    aliases.add(name);
    return quoteIdent(name);
  };

  let groupBy: string[] = [];
  if (plan.list) {
    for (const column of plan.list) {
      select.push(column.ident);
      outputs.push(column.info.name);
    }
    if (plan.order) {
      orderTerms.push(
        `${plan.list[plan.order.index]!.ident} ${plan.order.direction.toUpperCase()} NULLS LAST`,
      );
    }
  } else {
    const groupAliases = plan.groups.map((g) => {
      const expression = groupExpression(g, index);
      const name = groupAlias(g);
      const as =
        expression === g.column.ident && name === g.column.ident ? '' : ` AS ${alias(name)}`;
      if (!as) aliases.add(name);
      select.push(`${expression}${as}`);
      outputs.push(as ? [...aliases].at(-1)! : g.column.info.name);
      return expression;
    });
    groupBy = groupAliases;
    const measureAliases = plan.measures.map((m) => {
      const name = alias(measureAlias(m));
      outputs.push([...aliases].at(-1)!);
      select.push(`${measureExpression(m)} AS ${name}`);
      return name;
    });
    if (plan.order) {
      const term =
        plan.order.by === 'measure'
          ? measureAliases[plan.order.index]
          : groupAliases[plan.order.index];
      orderTerms.push(`${term} ${plan.order.direction.toUpperCase()} NULLS LAST`);
    } else if (groupAliases.length > 0) {
      orderTerms.push(...groupAliases);
    }
  }

  const lines = [`SELECT ${select.join(', ')}`, `FROM ${TABLE_NAME}`];
  if (plan.filters.length > 0) lines.push(`WHERE ${plan.filters.map(filterSql).join('\n  AND ')}`);
  if (groupBy.length > 0) lines.push(`GROUP BY ${groupBy.join(', ')}`);
  if (orderTerms.length > 0) lines.push(`ORDER BY ${orderTerms.join(', ')}`);
  if (plan.limit !== null) lines.push(`LIMIT ${plan.limit}`);
  return { sql: lines.join('\n'), outputs };
}
