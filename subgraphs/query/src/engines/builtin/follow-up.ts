/**
 * Follow-up questions ("and by month?", "what about Japan?", "and the median?", "only in 2014")
 * are read against the previous question of the conversation: the parts the follow-up names
 * replace the same kind of part in the previous question (a value of the same column, the
 * aggregation, a time grouping, the year, the number of rows), and the others are added to it.
 * The result is a whole question, read like any other and shown as "understood as".
 */
import type { Item } from './recognize';
import { recognizeTokens } from './recognize';
import type { SchemaIndex } from './schema-index';
import { tokenize, type Token } from './text';

const STARTERS = [
  ['and'],
  ['what', 'about'],
  ['how', 'about'],
  ['now'],
  ['only'],
  ['just'],
  ['but'],
  ['instead'],
  ['same', 'for'],
  ['also'],
];

/** A question that says what to compute on its own: a count, or a calculation of a column. */
const isStandalone = (items: Item[]) =>
  items.some((x) => x.kind === 'aggregate' && x.agg === 'count') ||
  (items.some((x) => ['aggregate', 'percent', 'which', 'top'].includes(x.kind)) &&
    items.some((x) => x.kind === 'column'));

const spell = (tokens: Token[]) =>
  tokens.map((t) => (t.kind === 'quoted' ? `'${t.raw.replace(/'/g, '’')}'` : t.raw)).join(' ');

/** The whole question a follow-up stands for, or null when it stands on its own. */
export function combineFollowUp(
  previous: string,
  question: string,
  index: SchemaIndex,
): string | null {
  const newTokens = tokenize(question);
  const starts = STARTERS.some((words) => words.every((w, i) => newTokens[i]?.text === w));
  const newItems = recognizeTokens(newTokens, index);
  if (isStandalone(newItems) && !starts) return null;
  if (newItems.every((x) => ['filler', 'and', 'unknown', 'copula'].includes(x.kind))) return null;

  const oldTokens = tokenize(previous);
  const oldItems = recognizeTokens(oldTokens, index);
  // Replacements as [start, end) token spans of the previous question, and additions.
  const replace = new Map<number, { end: number; tokens: Token[] }>();
  const added: Token[][] = [];
  // Put before the previous question: an aggregation, "monthly", "top 5".
  const prefix: Token[][] = [];
  const span = (x: Item) => newTokens.slice(x.at, x.end);
  const kindOf = (x: Item) => (x.kind === 'year-preposition' ? 'year' : x.kind);

  newItems.forEach((x, i) => {
    switch (x.kind) {
      case 'value': {
        const same = oldItems.filter((o) => o.kind === 'value' && o.column === x.column);
        const negation = newItems[i - 1]?.kind === 'negation' ? span(newItems[i - 1]!) : [];
        if (same.length > 0) {
          replace.set(same[0]!.at, { end: same[0]!.end, tokens: [...negation, ...span(x)] });
          for (const other of same.slice(1)) replace.set(other.at, { end: other.end, tokens: [] });
        } else {
          added.push([...negation, ...span(x)]);
        }
        break;
      }
      case 'aggregate': {
        const old = oldItems.find(
          (o) => o.kind === 'aggregate' || (o.kind === 'superlative' && !o.hints.length),
        );
        if (old) replace.set(old.at, { end: old.end, tokens: span(x) });
        else prefix.push(span(x));
        break;
      }
      case 'group-marker': {
        const target = newItems[i + 1];
        if (!target) break;
        const newSpan = newTokens.slice(x.at, target.end);
        const temporal =
          target.kind === 'bucket' || (target.kind === 'column' && target.column.temporal);
        const old = oldItems.findIndex(
          (o, k) =>
            o.kind === 'group-marker' &&
            (() => {
              const t = oldItems[k + 1];
              const oldTemporal =
                t?.kind === 'bucket' || (t?.kind === 'column' && t.column.temporal);
              return oldTemporal === temporal;
            })(),
        );
        if (old >= 0) {
          replace.set(oldItems[old]!.at, { end: oldItems[old + 1]!.end, tokens: newSpan });
        } else {
          added.push(newSpan);
        }
        break;
      }
      case 'bucket':
        if (x.adjective) {
          const old = oldItems.find((o) => o.kind === 'bucket' && o.adjective);
          if (old) replace.set(old.at, { end: old.end, tokens: span(x) });
          else prefix.push(span(x));
        }
        break;
      case 'year-preposition':
      case 'between':
      case 'month':
      case 'relative': {
        const next = newItems[i + 1];
        if (x.kind === 'year-preposition' && next?.kind !== 'number' && next?.kind !== 'month')
          break;
        const end =
          x.kind === 'between'
            ? newItems[i + 3]?.end
            : x.kind === 'year-preposition'
              ? next?.end
              : x.end;
        const newSpan = newTokens.slice(x.at, end ?? x.end);
        const old = oldItems.findIndex(
          (o, k) =>
            ['between', 'month', 'relative'].includes(o.kind) ||
            (o.kind === 'year-preposition' && oldItems[k + 1]?.kind === 'number'),
        );
        if (old >= 0) {
          const o = oldItems[old]!;
          const oldEnd =
            o.kind === 'between'
              ? oldItems[old + 3]?.end
              : kindOf(o) === 'year'
                ? oldItems[old + 1]?.end
                : o.end;
          replace.set(o.at, { end: oldEnd ?? o.end, tokens: newSpan });
        } else {
          added.push(newSpan);
        }
        break;
      }
      case 'top': {
        const old = oldItems.find((o) => o.kind === 'top');
        const n = newItems[i + 1]?.kind === 'number' ? newItems[i + 1]!.end : x.end;
        const newSpan = newTokens.slice(x.at, n);
        if (old) {
          const oldN = oldItems[oldItems.indexOf(old) + 1];
          replace.set(old.at, {
            end: oldN?.kind === 'number' ? oldN.end : old.end,
            tokens: newSpan,
          });
        } else {
          prefix.push(newSpan);
        }
        break;
      }
      default:
        break;
    }
  });
  if (replace.size === 0 && added.length === 0 && prefix.length === 0) return null;

  const out: Token[] = prefix.flat();
  for (let t = 0; t < oldTokens.length;) {
    const r = replace.get(t);
    if (r) {
      out.push(...r.tokens);
      t = r.end;
    } else {
      out.push(oldTokens[t]!);
      t += 1;
    }
  }
  for (const tokens of added) out.push(...tokens);
  return spell(out);
}
