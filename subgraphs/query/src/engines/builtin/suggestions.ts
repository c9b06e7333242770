/** Questions the built-in engine can answer about a data set, from its columns: shown when it
 * cannot answer one, and as starting points in the app. */
import type { SchemaIndex } from './schema-index';

export function suggestQuestions(index: SchemaIndex, max = 4): string[] {
  const numbers = index.columns.filter((c) => c.numeric && !c.categorical);
  const categories = index.columns.filter((c) => c.categorical && c.info.type !== 'integer');
  const groups = categories.length > 0 ? categories : index.columns.filter((c) => c.categorical);
  const date = index.dates[0];
  const label = index.label && !index.label.temporal ? index.label : null;
  const value = index.values[0];
  const out: string[] = ['How many rows are there?'];
  if (numbers[0] && groups[0])
    out.push(`Average ${numbers[0].info.name} by ${groups[0].info.name}`);
  if (date && numbers[0]) out.push(`Monthly total ${numbers[0].info.name}`);
  else if (date) out.push('Number of rows per month');
  if (groups[0]) out.push(`Share of rows by ${groups[0].info.name}`);
  if (numbers[0] && label) out.push(`Top 5 ${label.info.name} by ${numbers[0].info.name}`);
  if (value && numbers[0])
    out.push(`Median ${numbers[0].info.name} where ${value.column.info.name} is ${value.value}`);
  return out.slice(0, max);
}
