/**
 * First pass over a question: each stretch of words becomes one item — a column, a value of a
 * column, a number, an aggregation, a comparison, a time bucket, a marker such as "by" or "top",
 * or a word the engine does not know. Longest matches win; column names beat keywords, so "max
 * temperature" is the column `temp_max` while "max horsepower" is an aggregation of a column.
 */
import type { IndexedColumn, SchemaIndex } from './schema-index';
import { tokenize, type Token } from './text';
import {
  AGGREGATE_PHRASES,
  AGGREGATE_WORDS,
  BUCKET_ADJECTIVES,
  BUCKET_WORDS,
  COMPARISON_PHRASES,
  COPULAS,
  FILLER,
  MONTHS,
  NEGATIONS,
  NEGATION_PHRASES,
  SUPERLATIVES,
  UNITS,
  UNSUPPORTED,
  type Aggregate,
  type Bucket,
  type Comparison,
  type Direction,
} from './vocabulary';

export type Item = { at: number; end: number; text: string } & (
  | { kind: 'column'; column: IndexedColumn; partial: boolean }
  | { kind: 'ambiguous'; columns: IndexedColumn[] }
  | { kind: 'value'; column: IndexedColumn; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'quoted'; value: string }
  | { kind: 'aggregate'; agg: Aggregate }
  | { kind: 'superlative'; direction: Direction; hints: string[][] }
  | { kind: 'compare'; op: Comparison }
  | { kind: 'between' }
  | { kind: 'and' }
  | { kind: 'or' }
  | { kind: 'negation' }
  | { kind: 'bucket'; bucket: Bucket; adjective: boolean }
  | { kind: 'month'; month: number }
  | { kind: 'relative'; unit: Bucket; offset: 'last' | 'this' | 'past'; count: number }
  | { kind: 'group-marker' }
  | { kind: 'order-marker' }
  | { kind: 'direction'; direction: Direction }
  | { kind: 'top'; direction: Direction }
  | { kind: 'percent' }
  | { kind: 'which' }
  | { kind: 'copula' }
  | { kind: 'year-preposition'; op: '>=' | '<' | '>' | '=' }
  | { kind: 'unsupported' }
  | { kind: 'unit' }
  | { kind: 'filler' }
  | { kind: 'unknown' }
);

type Rule = [string[], (at: number) => Item];

const item = (
  at: number,
  text: string,
  rest: DistributiveOmit<Item, 'at' | 'end' | 'text'>,
): Item => ({ at, end: at + 1, text, ...rest }) as Item;
type DistributiveOmit<T, K extends keyof never> = T extends unknown ? Omit<T, K> : never;

// Multi-word keywords, longest first when tried.
const PHRASES: Rule[] = [
  ...AGGREGATE_PHRASES.map(([words, agg]): Rule => [
    words,
    (at) => item(at, words.join(' '), { kind: 'aggregate', agg }),
  ]),
  ...COMPARISON_PHRASES.map(([words, op]): Rule => [
    words,
    (at) => item(at, words.join(' '), { kind: 'compare', op }),
  ]),
  ...NEGATION_PHRASES.map((words): Rule => [
    words,
    (at) => item(at, words.join(' '), { kind: 'negation' }),
  ]),
  [['for', 'each'], (at) => item(at, 'for each', { kind: 'group-marker' })],
  [['for', 'every'], (at) => item(at, 'for every', { kind: 'group-marker' })],
  [['broken', 'down', 'by'], (at) => item(at, 'broken down by', { kind: 'group-marker' })],
  [['split', 'by'], (at) => item(at, 'split by', { kind: 'group-marker' })],
  [['grouped', 'by'], (at) => item(at, 'grouped by', { kind: 'group-marker' })],
  [['group', 'by'], (at) => item(at, 'group by', { kind: 'group-marker' })],
  [['sorted', 'by'], (at) => item(at, 'sorted by', { kind: 'order-marker' })],
  [['ordered', 'by'], (at) => item(at, 'ordered by', { kind: 'order-marker' })],
  [['ranked', 'by'], (at) => item(at, 'ranked by', { kind: 'order-marker' })],
  [['order', 'by'], (at) => item(at, 'order by', { kind: 'order-marker' })],
  [['sort', 'by'], (at) => item(at, 'sort by', { kind: 'order-marker' })],
  [
    ['from', 'highest', 'to', 'lowest'],
    (at) => item(at, 'highest to lowest', { kind: 'direction', direction: 'desc' }),
  ],
  [
    ['from', 'lowest', 'to', 'highest'],
    (at) => item(at, 'lowest to highest', { kind: 'direction', direction: 'asc' }),
  ],
  [
    ['highest', 'to', 'lowest'],
    (at) => item(at, 'highest to lowest', { kind: 'direction', direction: 'desc' }),
  ],
  [
    ['lowest', 'to', 'highest'],
    (at) => item(at, 'lowest to highest', { kind: 'direction', direction: 'asc' }),
  ],
  [
    ['largest', 'to', 'smallest'],
    (at) => item(at, 'largest to smallest', { kind: 'direction', direction: 'desc' }),
  ],
  [
    ['smallest', 'to', 'largest'],
    (at) => item(at, 'smallest to largest', { kind: 'direction', direction: 'asc' }),
  ],
  [
    ['most', 'to', 'least'],
    (at) => item(at, 'most to least', { kind: 'direction', direction: 'desc' }),
  ],
  [
    ['least', 'to', 'most'],
    (at) => item(at, 'least to most', { kind: 'direction', direction: 'asc' }),
  ],
  [
    ['in', 'descending', 'order'],
    (at) => item(at, 'descending', { kind: 'direction', direction: 'desc' }),
  ],
  [
    ['in', 'ascending', 'order'],
    (at) => item(at, 'ascending', { kind: 'direction', direction: 'asc' }),
  ],
  [['percentage', 'of'], (at) => item(at, 'percentage of', { kind: 'percent' })],
  [['percent', 'of'], (at) => item(at, 'percent of', { kind: 'percent' })],
  [['share', 'of'], (at) => item(at, 'share of', { kind: 'percent' })],
  [['proportion', 'of'], (at) => item(at, 'proportion of', { kind: 'percent' })],
  [['fraction', 'of'], (at) => item(at, 'fraction of', { kind: 'percent' })],
  [['%', 'of'], (at) => item(at, '% of', { kind: 'percent' })],
];

const SINGLE: Record<string, DistributiveOmit<Item, 'at' | 'end' | 'text'>> = {
  between: { kind: 'between' },
  and: { kind: 'and' },
  or: { kind: 'or' },
  by: { kind: 'group-marker' },
  per: { kind: 'group-marker' },
  each: { kind: 'group-marker' },
  every: { kind: 'group-marker' },
  across: { kind: 'group-marker' },
  sorted: { kind: 'order-marker' },
  ordered: { kind: 'order-marker' },
  ranked: { kind: 'order-marker' },
  rank: { kind: 'order-marker' },
  sort: { kind: 'order-marker' },
  descending: { kind: 'direction', direction: 'desc' },
  desc: { kind: 'direction', direction: 'desc' },
  ascending: { kind: 'direction', direction: 'asc' },
  asc: { kind: 'direction', direction: 'asc' },
  top: { kind: 'top', direction: 'desc' },
  bottom: { kind: 'top', direction: 'asc' },
  percentage: { kind: 'percent' },
  percent: { kind: 'percent' },
  share: { kind: 'percent' },
  proportion: { kind: 'percent' },
  '%': { kind: 'percent' },
  which: { kind: 'which' },
  since: { kind: 'year-preposition', op: '>=' },
  before: { kind: 'year-preposition', op: '<' },
  after: { kind: 'year-preposition', op: '>' },
  in: { kind: 'year-preposition', op: '=' },
  during: { kind: 'year-preposition', op: '=' },
  // "longest first": read with the superlative before it.
  first: { kind: 'filler' },
};

function matches(tokens: Token[], at: number, words: string[]): boolean {
  return words.every((w, k) => {
    const t = tokens[at + k];
    return t !== undefined && (t.text === w || t.stem === w);
  });
}

/** The longest column name or value spelled out at `at`, if any. */
function longestName(tokens: Token[], at: number, index: SchemaIndex) {
  let best: { length: number; make: () => Item } | null = null;
  const consider = (words: string[], make: () => Item) => {
    if (words.length > 0 && (!best || words.length > best.length) && matches(tokens, at, words)) {
      best = { length: words.length, make };
    }
  };
  for (const value of index.values) {
    // A short code ("IN", "OR", "ME") is that value only when typed as it is, never the word.
    const spelledAsCode = value.words.join(' ') === value.value.toLowerCase();
    if (isShortCode(value.value) && spelledAsCode && tokens[at]?.raw !== value.value) continue;
    consider(value.words, () =>
      item(at, value.value, { kind: 'value', column: value.column, value: value.value }),
    );
  }
  for (const column of index.columns) {
    for (const phrase of column.phrases) {
      // A one-word phrase that is also a keyword ("max") is the keyword.
      if (
        phrase.length === 1 &&
        isKeyword(phrase[0]!) &&
        !column.temporal &&
        column !== index.yearColumn
      ) {
        continue;
      }
      consider(phrase, () =>
        item(at, phrase.join(' '), { kind: 'column', column, partial: false }),
      );
    }
  }
  return best as { length: number; make: () => Item } | null;
}

function isKeyword(word: string): boolean {
  return word in AGGREGATE_WORDS || word in SUPERLATIVES || word in SINGLE;
}

/** Columns with `word` as one significant word of their name (or a synonym of one). */
function partialColumns(word: string, index: SchemaIndex): IndexedColumn[] {
  if (word.length < 3 || FILLER.has(word) || UNITS.has(word)) return [];
  return index.columns.filter((c) => c.phrases.some((p) => p.length > 1 && p.includes(word)));
}

const SEARCH_WORDS = new Set([
  'contain',
  'containing',
  'contains',
  'include',
  'including',
  'name',
  'like',
  'match',
  'matching',
  'start',
  'end',
  'mention',
]);

const isShortCode = (value: string) => value.length <= 3 && /^[A-Z0-9]+$/.test(value);

/** The one value whose first word (of several) is `word`, if exactly one. */
function partialValue(word: string, index: SchemaIndex) {
  if (word.length < 4) return null;
  const found = index.values.filter((v) => v.words.length > 1 && v.words[0] === word);
  return found.length === 1 ? found[0]! : null;
}

const RELATIVE_UNITS: Record<string, Bucket> = {
  day: 'day',
  week: 'week',
  month: 'month',
  quarter: 'quarter',
  year: 'year',
};

export function recognize(question: string, index: SchemaIndex): Item[] {
  return recognizeTokens(tokenize(question), index);
}

export function recognizeTokens(tokens: Token[], index: SchemaIndex): Item[] {
  const items: Item[] = [];
  let at = 0;
  while (at < tokens.length) {
    const token = tokens[at]!;
    const push = (next: Item, length = 1) => {
      items.push({ ...next, end: at + length });
      at += length;
    };
    if (token.kind === 'quoted') {
      // 'All natural disasters' quoted is that value, unless the question searches text with it
      // ("names containing 'Guinea'").
      const searching = tokens.some((t) => SEARCH_WORDS.has(t.stem));
      const known = searching
        ? undefined
        : index.values.find((v) => v.value.toLowerCase() === token.text.toLowerCase());
      push(
        known
          ? item(at, token.text, { kind: 'value', column: known.column, value: known.value })
          : item(at, token.text, { kind: 'quoted', value: token.text }),
      );
      continue;
    }
    if (token.kind === 'number') {
      push(item(at, token.text, { kind: 'number', value: token.value! }));
      continue;
    }
    // "last month", "this year", "past 30 days", "last 3 weeks".
    if (['last', 'this', 'past', 'previous'].includes(token.text)) {
      const next = tokens[at + 1];
      const afterNumber = tokens[at + 2];
      if (next && RELATIVE_UNITS[next.stem]) {
        const offset = token.text === 'this' ? 'this' : 'last';
        push(
          item(at, `${token.text} ${next.text}`, {
            kind: 'relative',
            unit: RELATIVE_UNITS[next.stem]!,
            offset,
            count: 1,
          }),
          2,
        );
        continue;
      }
      if (next?.kind === 'number' && afterNumber && RELATIVE_UNITS[afterNumber.stem]) {
        push(
          item(at, `${token.text} ${next.text} ${afterNumber.text}`, {
            kind: 'relative',
            unit: RELATIVE_UNITS[afterNumber.stem]!,
            offset: 'past',
            count: next.value!,
          }),
          3,
        );
        continue;
      }
    }
    const phrase = PHRASES.filter(([words]) => matches(tokens, at, words)).sort(
      (a, b) => b[0].length - a[0].length,
    )[0];
    const name = longestName(tokens, at, index);
    if (name && (!phrase || name.length >= phrase[0].length)) {
      push(name.make(), name.length);
      continue;
    }
    if (phrase) {
      push(phrase[1](at), phrase[0].length);
      continue;
    }
    const word = token.stem;
    const monthIndex = MONTHS.indexOf(token.text);
    if (monthIndex >= 0 && !(token.text === 'may' && tokens[at + 1]?.kind !== 'number')) {
      push(item(at, token.text, { kind: 'month', month: monthIndex + 1 }));
    } else if (token.text in BUCKET_WORDS || word in BUCKET_WORDS) {
      const bucket = BUCKET_WORDS[token.text] ?? BUCKET_WORDS[word]!;
      push(
        item(at, token.text, {
          kind: 'bucket',
          bucket,
          adjective: BUCKET_ADJECTIVES.has(token.text),
        }),
      );
    } else if (token.text in SUPERLATIVES) {
      const s = SUPERLATIVES[token.text]!;
      push(
        item(at, token.text, { kind: 'superlative', direction: s.direction, hints: s.hints ?? [] }),
      );
    } else if (token.text in AGGREGATE_WORDS || word in AGGREGATE_WORDS) {
      const agg = AGGREGATE_WORDS[token.text] ?? AGGREGATE_WORDS[word]!;
      push(item(at, token.text, { kind: 'aggregate', agg }));
    } else if (token.text in SINGLE) {
      push(item(at, token.text, SINGLE[token.text]!));
    } else if (NEGATIONS.has(token.text) || token.text === "don't" || token.text === "isn't") {
      push(item(at, token.text, { kind: 'negation' }));
    } else if (UNSUPPORTED.has(token.text) || UNSUPPORTED.has(word)) {
      push(item(at, token.text, { kind: 'unsupported' }));
    } else if (COPULAS.has(token.text)) {
      push(item(at, token.text, { kind: 'copula' }));
    } else if (UNITS.has(token.text) || UNITS.has(word)) {
      push(item(at, token.text, { kind: 'unit' }));
    } else if (FILLER.has(token.text) || token.kind === 'symbol') {
      push(item(at, token.text, { kind: 'filler' }));
    } else {
      const partial = partialColumns(word, index);
      const value = partialValue(word, index);
      if (partial.length === 0 && value) {
        // "nuclear" for `Nuclear Energy`: the first word of exactly one value.
        push(item(at, token.text, { kind: 'value', column: value.column, value: value.value }));
      } else if (partial.length === 1) {
        push(item(at, token.text, { kind: 'column', column: partial[0]!, partial: true }));
      } else if (partial.length > 1) {
        push(item(at, token.text, { kind: 'ambiguous', columns: partial }));
      } else {
        push(item(at, token.text, { kind: 'unknown' }));
      }
    }
  }
  return mergeRepeats(items);
}

/** "engine displacement" names `Displacement` twice in a row: one mention. */
function mergeRepeats(items: Item[]): Item[] {
  return items.filter((x, i) => {
    const before = items[i - 1];
    return !(x.kind === 'column' && before?.kind === 'column' && before.column === x.column);
  });
}
