/**
 * What a question can name in a data set, indexed for matching: each column by the words of its
 * name, their synonyms and its acronym (`Miles_per_Gallon` → "mpg"), and each value of a
 * low-cardinality column by its words (and adjective forms: "rainy" for `rain`). Text columns
 * whose values are dates in a recognisable format are used as dates.
 */
import { quoteIdent, quoteText, type ColumnInfo, type DatasetSchema } from '../../dataset-schema';
import { nameWords, stem } from './text';
import { DEMONYMS, FILLER, SYNONYMS, US_STATES } from './vocabulary';

export interface IndexedColumn {
  info: ColumnInfo;
  /** SQL for the column's value; for date-like text, parsed as a date. */
  expr: string;
  /** The identifier alone, for messages and output names. */
  ident: string;
  numeric: boolean;
  temporal: boolean;
  /** Low cardinality: a natural thing to group by. */
  categorical: boolean;
  /** Stemmed words of the name and each alternative spelling of it. */
  phrases: string[][];
  unit: string | null;
}

export interface IndexedValue {
  column: IndexedColumn;
  value: string;
  words: string[];
}

export interface SchemaIndex {
  schema: DatasetSchema;
  columns: IndexedColumn[];
  values: IndexedValue[];
  /** The column to show for "which rows": a name-like text column, else a date. */
  label: IndexedColumn | null;
  /** Date columns, the first being the default for "in 2012" or "by month". */
  dates: IndexedColumn[];
  /** An integer column named like a year ("year", "yr"), used when there is no date. */
  yearColumn: IndexedColumn | null;
  /**
   * A numeric column named like a count ("count", "n", "frequency"): the data are counted
   * already, so "how many" / "number of" is its total, not the number of rows.
   */
  countColumn: IndexedColumn | null;
}

// strptime formats tried on date-like text, with a pattern each value must match.
const TEXT_DATE_FORMATS: [RegExp, string][] = [
  [/^[A-Za-z]{3} \d{1,2} \d{4}$/, '%b %d %Y'],
  [/^[A-Za-z]{4,9} \d{1,2} \d{4}$/, '%B %d %Y'],
  [/^[A-Za-z]{3} \d{1,2}, \d{4}$/, '%b %d, %Y'],
  [/^[A-Za-z]{4,9} \d{1,2}, \d{4}$/, '%B %d, %Y'],
  [/^\d{1,2} [A-Za-z]{3} \d{4}$/, '%d %b %Y'],
  [/^\d{1,2}\/\d{1,2}\/\d{4}$/, '%m/%d/%Y'],
  [/^\d{4}\/\d{1,2}\/\d{1,2}$/, '%Y/%m/%d'],
  [/^\d{1,2}\.\d{1,2}\.\d{4}$/, '%d.%m.%Y'],
];
const MONTH_ABBREVIATIONS = /^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)/i;

function textDateFormat(info: ColumnInfo): string | null {
  if (info.type !== 'string') return null;
  const samples = [info.min, info.max, ...(info.samples ?? [])].filter(
    (v): v is string => typeof v === 'string' && v.length > 0,
  );
  if (samples.length < 2) return null;
  for (const [pattern, format] of TEXT_DATE_FORMATS) {
    if (!samples.every((s) => pattern.test(s))) continue;
    if (format.includes('%b') || format.includes('%B')) {
      if (!samples.every((s) => MONTH_ABBREVIATIONS.test(s.replace(/^\d{1,2} /, '')))) continue;
    }
    // Day first when a first number is over 12.
    if (format === '%m/%d/%Y' && samples.some((s) => Number(s.split('/')[0]) > 12)) {
      return '%d/%m/%Y';
    }
    return format;
  }
  return null;
}

function phrasesOf(name: string): { phrases: string[][]; unit: string | null } {
  const { words, unit } = nameWords(name);
  const stems = words.map(stem);
  // Every spelling: each word or one of its synonyms (bounded), and for two words both orders
  // ("temp_max" is asked for as "max temperature" and "high temperature").
  let phrases: string[][] = [[]];
  for (const word of stems) {
    const choices = [word, ...(SYNONYMS[word] ?? []).map(stem)];
    phrases = phrases.flatMap((p) => choices.map((c) => [...p, c])).slice(0, 64);
  }
  if (stems.length === 2) phrases.push(...phrases.map((p) => [p[1]!, p[0]!]));
  if (words.length >= 3) phrases.push([words.map((w) => w[0]).join('')]);
  return { phrases, unit };
}

const COUNT_NAMES = new Set(['count', 'n', 'num', 'number', 'frequency', 'freq', 'case', 'tally']);

function adjectiveForms(word: string): string[] {
  // rain → rainy, sun → sunny, fog → foggy, snow → snowy; not for short codes ("B" is not "by").
  if (word.length < 3 || !/^[a-z]+$/.test(word)) return [];
  return [`${word}y`, `${word}${word.at(-1)}y`].filter((w) => !FILLER.has(w));
}

export function buildIndex(schema: DatasetSchema): SchemaIndex {
  const columns: IndexedColumn[] = schema.columns.map((info) => {
    const ident = quoteIdent(info.name);
    const format = textDateFormat(info);
    const expr = format ? `CAST(strptime(${ident}, ${quoteText(format)}) AS DATE)` : ident;
    const numeric = info.type === 'integer' || info.type === 'float';
    const temporal = info.type === 'date' || info.type === 'timestamp' || format !== null;
    const categorical =
      !temporal &&
      (info.type === 'string' || info.type === 'boolean' || info.type === 'integer') &&
      info.distinctCount > 0 &&
      info.distinctCount <= Math.max(50, Math.sqrt(schema.rowCount));
    return { info, expr, ident, numeric, temporal, categorical, ...phrasesOf(info.name) };
  });

  const values: IndexedValue[] = [];
  for (const column of columns) {
    if (!column.info.values || column.temporal) continue;
    // A column of US state codes: its values are also named by the states' names.
    const codes = column.info.values.filter((v) => v in US_STATES).length;
    const stateCodes = codes >= 10 && codes >= column.info.values.length * 0.8;
    for (const value of column.info.values) {
      const state = stateCodes ? US_STATES[value] : undefined;
      if (state) values.push({ column, value, words: state.split(' ') });
      const words = nameWords(value).words.map(stem);
      if (words.length === 0 || words.length > 6) continue;
      values.push({ column, value, words });
      for (const adjective of DEMONYMS[value.toLowerCase()] ?? []) {
        values.push({ column, value, words: [adjective] });
      }
      if (words.length === 1) {
        for (const form of adjectiveForms(words[0]!)) values.push({ column, value, words: [form] });
      }
    }
  }

  const texts = columns.filter((c) => c.info.type === 'string' && !c.temporal);
  const named = texts.find((c) =>
    c.phrases[0]!.some((w) => ['name', 'title', 'label'].includes(w)),
  );
  const unique = texts
    .filter((c) => c.info.distinctCount >= schema.rowCount * 0.5)
    .sort((a, b) => b.info.distinctCount - a.info.distinctCount)[0];
  const dates = columns.filter((c) => c.temporal);
  const yearColumn =
    columns.find(
      (c) => c.info.type === 'integer' && ['year', 'yr'].includes(c.phrases[0]!.join(' ')),
    ) ?? null;
  const countColumn =
    columns.find(
      (c) => c.numeric && COUNT_NAMES.has(c.phrases[0]!.join(' ')) && c.info.type === 'integer',
    ) ?? null;
  return {
    schema,
    columns,
    values,
    label: named ?? unique ?? dates[0] ?? null,
    dates,
    yearColumn,
    countColumn,
  };
}
