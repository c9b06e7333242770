/**
 * Second pass: the recognised items become a Plan, or a refusal that says what was not
 * understood. Each rule reads a small pattern of items ("by <column>", "<aggregate> <column>",
 * "more than <number> <column>", "top <n> ... <superlative> ...") and marks the items it used.
 * A question the rules cannot fully account for is refused: the engine never guesses SQL.
 */
import { emptyPlan, type Filter, type Measure, type Plan } from './plan';
import type { Item } from './recognize';
import type { IndexedColumn, SchemaIndex } from './schema-index';
import { dateRange, relativeRange } from './dates';
import { AGGREGATE_WORDS, type Aggregate, type Bucket, type Direction } from './vocabulary';

export type Understood = { kind: 'plan'; plan: Plan } | { kind: 'cannot'; reason: string };

class CannotAnswer extends Error {}
const cannot = (reason: string): never => {
  throw new CannotAnswer(reason);
};

const BUCKETS = new Set(['year', 'quarter', 'month', 'week', 'day']);
const stemOf = (word: string) => word.toLowerCase().replace(/s$/, '');

/** The aggregation a word names: its own, or a superlative's ("by highest price" → max). */
const aggregationOf = (item: Item): Aggregate =>
  item.kind === 'aggregate'
    ? item.agg
    : item.kind === 'superlative' && item.direction === 'asc'
      ? 'min'
      : 'max';

const isYear = (n: number) => Number.isInteger(n) && n >= 1800 && n <= 2100;

interface Ranking {
  direction: Direction;
  limit: number;
  /** The thing ranked: a column to group by, or null for rows. */
  entity: IndexedColumn | null;
  measure: Measure | null;
}

export function interpret(items: Item[], index: SchemaIndex, now: Date): Understood {
  try {
    return { kind: 'plan', plan: new Reader(items, index, now).read() };
  } catch (error) {
    if (error instanceof CannotAnswer) return { kind: 'cannot', reason: error.message };
    throw error;
  }
}

class Reader {
  private readonly used = new Set<number>();
  private readonly plan = emptyPlan();
  private ranking: Ranking | null = null;
  private rankBy: Measure | null = null;
  private orderDirection: Direction | null = null;
  private ordered = false;
  /** A refusal that stands only if nothing else gives the question a measure. */
  private unexplained: string | null = null;
  /** "sorted by <group>": the index of that group. */
  private orderByGroup = -1;
  private percentAt = -1;
  /** The noun counted or ranked, when it is a column ("how many countries"). */
  private entity: IndexedColumn | null = null;

  constructor(
    private readonly items: Item[],
    private readonly index: SchemaIndex,
    private readonly now: Date,
  ) {}

  read(): Plan {
    const understood = this.items.filter(
      (x) => !['filler', 'unknown', 'unit', 'copula', 'year-preposition'].includes(x.kind),
    );
    if (understood.length === 0) {
      cannot('I did not recognise any column or calculation in the question.');
    }
    this.refuseUnsupported();
    this.readGroups();
    this.readRanking();
    this.readOrdering();
    this.readPercent();
    this.readMeasures();
    this.readFilters();
    this.assemble();
    this.refuseLeftovers();
    this.weighCounts();
    return this.plan;
  }

  // ---- helpers ------------------------------------------------------------------------------

  private at(i: number): Item | undefined {
    return this.items[i];
  }

  /** Index of the next item after `i` that is not filler (or of `kinds` to skip). */
  private next(i: number, skip: Item['kind'][] = ['filler']): number {
    let j = i + 1;
    while (j < this.items.length && skip.includes(this.items[j]!.kind)) j += 1;
    return j;
  }

  private previous(i: number, skip: Item['kind'][] = ['filler']): number {
    let j = i - 1;
    while (j >= 0 && skip.includes(this.items[j]!.kind)) j -= 1;
    return j;
  }

  private use(...indexes: number[]) {
    for (const i of indexes) this.used.add(i);
  }

  private columnAt(i: number): IndexedColumn | null {
    const item = this.at(i);
    if (item?.kind === 'column') return item.column;
    if (item?.kind === 'ambiguous') {
      cannot(
        `"${item.text}" could mean ${item.columns.map((c) => c.info.name).join(' or ')}; name the one you mean.`,
      );
    }
    return null;
  }

  private defaultDate(bucket: Bucket): IndexedColumn {
    const date = this.index.dates[0];
    if (date) return date;
    if (bucket === 'year' && this.index.yearColumn) return this.index.yearColumn;
    return cannot(`This data set has no date column to group by ${bucket}.`);
  }

  // ---- refusals first -----------------------------------------------------------------------

  private refuseUnsupported() {
    const item = this.items.find((i) => i.kind === 'unsupported');
    if (!item) return;
    if (['delete', 'drop', 'update', 'insert', 'ignore'].includes(item.text)) {
      cannot('I only answer questions about the data: I cannot change it or take instructions.');
    }
    cannot(`I can't compute "${item.text}" yet.`);
  }

  // ---- "by X and Y", "per month", "monthly" -------------------------------------------------

  private readGroups() {
    this.items.forEach((item, i) => {
      if (item.kind === 'bucket' && item.adjective) {
        this.use(i);
        this.addGroup(this.defaultDate(item.bucket), item.bucket);
      }
      if (item.kind !== 'group-marker') return;
      this.use(i);
      if (['all', 'both'].includes(this.at(i + 1)?.text ?? '')) {
        // "across all sources", "across both cities": over them all, not per each.
        this.use(i + 1);
        if (this.at(i + 2)?.kind === 'column' || this.at(i + 2)?.kind === 'unknown')
          this.use(i + 2);
        return;
      }
      let j = this.next(i);
      for (;;) {
        const target = this.at(j);
        if (!target) break;
        if (target.kind === 'aggregate' && target.agg === 'count') {
          // "by number of cylinders": the column itself.
          const k = this.next(j);
          if (this.columnAt(k)) {
            this.use(j);
            j = k;
            continue;
          }
        }
        if (target.kind === 'aggregate' || target.kind === 'superlative') {
          // "by maximum price": what to rank by, not a group.
          const k = this.next(j);
          const column = this.columnAt(k);
          if (!column) break;
          this.use(j, k);
          this.rankBy = { agg: aggregationOf(target), column };
          break;
        }
        const column = this.columnAt(j);
        if (column) {
          if (column.numeric && !column.categorical && !column.temporal) {
            this.use(j);
            this.rankBy = { agg: 'avg', column };
            break;
          }
          this.use(j);
          const bucketWord = target.text in { year: 1, month: 1, quarter: 1, week: 1, day: 1 };
          this.addGroup(column, column.temporal && bucketWord ? (target.text as Bucket) : null);
          const countWord = this.at(j + 1);
          if (countWord?.kind === 'aggregate' && countWord.text === 'count') {
            // "for each cylinder count": the column's values, not a count.
            this.use(j + 1);
            j += 1;
          }
        } else if (target.kind === 'bucket') {
          this.use(j);
          this.addGroup(this.defaultDate(target.bucket), target.bucket);
        } else if (target.kind === 'unknown' && j === this.next(i)) {
          // "per model year": a word before the column is fine; alone, it names no column.
          const k = this.next(j);
          const t = this.at(k);
          if (t && (t.kind === 'column' || t.kind === 'bucket')) {
            j = k;
            continue;
          }
          cannot(`There is no column "${target.text}" to group by.`);
        } else {
          break;
        }
        const after = this.next(j);
        if (this.at(after)?.kind === 'and') {
          let k = this.next(after);
          let t = this.at(k);
          if (
            t?.kind === 'aggregate' &&
            t.agg === 'count' &&
            this.at(this.next(k))?.kind === 'column'
          ) {
            // "by origin and number of cylinders"
            this.use(k);
            k = this.next(k);
            t = this.at(k);
          }
          if (t && (t.kind === 'column' || t.kind === 'bucket')) {
            this.use(after);
            j = k;
            continue;
          }
        }
        break;
      }
    });
  }

  private addGroup(column: IndexedColumn, bucket: Bucket | null) {
    let b = bucket;
    // "per year" on an integer year column is the column itself.
    if (b === 'year' && column === this.index.yearColumn) b = null;
    if (column.temporal && b === null && column.info.type === 'timestamp') b = 'day';
    if (this.plan.groups.some((g) => g.column === column && g.bucket === b)) return;
    if (this.plan.groups.length === 2) cannot('I can group by at most two things at once.');
    this.plan.groups.push({ column, bucket: b });
  }

  // ---- "top 5 ...", "which X has the highest Y", "the 3 coldest days" -------------------------

  private readRanking() {
    let start = -1;
    let limit: number | null = null;
    let direction: Direction | null = null;
    this.items.forEach((item, i) => {
      if (start >= 0) return;
      if (item.kind === 'top') {
        start = i;
        direction = item.direction;
        const n = this.next(i);
        const number = this.at(n);
        if (number?.kind === 'number' && Number.isInteger(number.value) && number.value > 0) {
          limit = number.value;
          this.use(n);
        }
        this.use(i);
      } else if (item.kind === 'which') {
        start = i;
        limit = 1;
        this.use(i);
        let n = this.next(i);
        const count = this.at(n);
        if (
          count?.kind === 'number' &&
          Number.isInteger(count.value) &&
          count.value > 0 &&
          !isYear(count.value)
        ) {
          // "which 3 years ..."
          limit = count.value;
          this.use(n);
          n = this.next(n);
        }
        const bucket = this.at(n);
        const bucketWord =
          bucket && BUCKETS.has(stemOf(bucket.text)) ? (stemOf(bucket.text) as Bucket) : null;
        if (bucket?.kind === 'bucket') {
          // "which quarter had ...": rank the periods.
          this.use(n);
          this.addGroup(this.defaultDate(bucket.bucket), bucket.bucket);
        } else if (bucket?.kind === 'column' && bucket.column.temporal && bucketWord) {
          // "which year" over a date column named "year".
          this.use(n);
          this.addGroup(bucket.column, bucketWord);
        }
      } else if (
        item.kind === 'number' &&
        Number.isInteger(item.value) &&
        item.value > 0 &&
        item.value <= 1000
      ) {
        // "the 5 countries with the lowest ...", "the 3 coldest days".
        const before = this.at(this.previous(i));
        const after = this.at(this.next(i));
        const counted = !before || before.kind === 'filler' || before.kind === 'unknown';
        if (
          counted &&
          after &&
          ['superlative', 'column', 'unknown'].includes(after.kind) &&
          !isYear(item.value)
        ) {
          const superlativeFollows = this.items.slice(i + 1).some((x) => x.kind === 'superlative');
          if (superlativeFollows || after.kind === 'superlative') {
            start = i;
            limit = item.value;
            this.use(i);
          }
        }
      }
    });
    // "What was the hottest day?": a superlative adjective about one quantity, alone.
    if (start < 0) {
      const k = this.items.findIndex((x) => x.kind === 'superlative' && x.hints.length > 0);
      if (k >= 0 && !this.items.some((x) => x.kind === 'aggregate')) {
        start = k - 1;
        limit = 1;
      }
    }
    // No top/which: nothing to rank ("by <measure>" alone is an ordering, read later).
    if (start < 0) return;

    // The entity: the first column after the start that is not the measure.
    let entity: IndexedColumn | null = null;
    let measure: Measure | null = this.rankBy;
    for (let i = start + 1; i < this.items.length; i += 1) {
      const item = this.items[i]!;
      if (this.used.has(i) && item.kind !== 'superlative') continue;
      if (item.kind === 'superlative') {
        direction = item.direction;
        this.use(i);
        const found = this.measureAfterSuperlative(i, entity);
        if (found && !measure) measure = found;
        break;
      }
      if (item.kind === 'aggregate' && !measure) {
        // "which stock has the maximum price": an aggregation of the ranked entity.
        const k = this.next(i);
        const column = this.columnAt(k);
        if (column && column !== entity) {
          this.use(i, k);
          measure = { agg: item.agg, column };
          if (item.agg === 'min') direction ??= 'asc';
          break;
        }
      }
      if (item.kind === 'column' && !entity && !(item.column.numeric && !item.column.categorical)) {
        entity = item.column;
        this.use(i);
      } else if (
        item.kind === 'value' ||
        item.kind === 'compare' ||
        item.kind === 'year-preposition'
      ) {
        continue;
      }
    }
    if (!entity) {
      // The ranked noun after the superlative: "most populous countries".
      const k = this.items.findIndex(
        (x, i) =>
          i > start &&
          !this.used.has(i) &&
          x.kind === 'column' &&
          ((!x.column.numeric && !x.column.temporal) || x.column === this.index.yearColumn),
      );
      if (k >= 0) {
        entity = this.columnAt(k);
        this.use(k);
      }
    }
    this.ranking = { direction: direction ?? 'desc', limit: limit ?? 10, entity, measure };
    this.entity = entity;
  }

  /** The measure named after a superlative: "highest average mpg", "lowest fertility", "most penguins". */
  private measureAfterSuperlative(i: number, entity: IndexedColumn | null): Measure | null {
    const item = this.items[i]!;
    if (item.kind !== 'superlative') return null;
    let j = this.next(i);
    // "most populous": two superlatives; the second carries the hint.
    let hints = item.hints;
    let direction = item.direction;
    const second = this.at(j);
    if (second?.kind === 'superlative') {
      this.use(j);
      hints = second.hints.length ? second.hints : hints;
      direction = second.direction;
      j = this.next(j);
    }
    const aggregate = this.at(j);
    if (aggregate?.kind === 'aggregate') {
      const k = this.next(j);
      const column = this.columnAt(k);
      if (column) {
        this.use(j, k);
        return { agg: aggregate.agg, column };
      }
    }
    // Past values (filters, read later) and one adjective: "lowest fossil fuel generation",
    // "highest single repair cost".
    let c = j;
    while (this.at(c)?.kind === 'value') c = this.next(c);
    if (this.at(c)?.kind === 'unknown' && this.at(this.next(c))?.kind === 'column')
      c = this.next(c);
    const column = this.columnAt(c) ?? this.columnAt(j);
    const hintedColumn = hints.length > 0 ? this.hinted(hints) : null;
    // "deadliest years": the adjective names the measure; the column after it is what is ranked.
    if (
      column &&
      column !== entity &&
      (column.numeric || column.temporal) &&
      (!hintedColumn || hintedColumn === column)
    ) {
      this.use(this.columnAt(c) ? c : j);
      // "the most rainfall" is a total; "the highest fertility" the largest value.
      const agg =
        item.text === 'most' && column.numeric ? 'sum' : direction === 'desc' ? 'max' : 'min';
      return { agg, column };
    }
    if (hints.length > 0) {
      const hinted = this.hinted(hints);
      // "the heaviest penguins on average"
      const onAverage = this.items.findIndex(
        (x, k) =>
          k > i &&
          !this.used.has(k) &&
          x.kind === 'aggregate' &&
          x.agg === 'avg' &&
          !this.columnAt(this.next(k)),
      );
      if (hinted && onAverage >= 0) {
        this.use(onAverage);
        return { agg: 'avg', column: hinted };
      }
      if (hinted) return { agg: direction === 'desc' ? 'max' : 'min', column: hinted };
      return cannot(`I couldn't find the column "${item.text}" is about.`);
    }
    if (column && column === entity) return null;
    // "the most penguins": rows.
    const noun = this.at(j);
    if (noun?.kind === 'unknown' || noun?.kind === 'column') {
      this.use(j);
      return { agg: 'count', column: null };
    }
    return null;
  }

  private hinted(hints: string[][]): IndexedColumn | null {
    for (const hint of hints) {
      const found = this.index.columns.filter(
        (c) => c.numeric && c.phrases.some((p) => hint.every((w) => p.includes(w))),
      );
      if (found.length === 1) return found[0]!;
    }
    return null;
  }

  // ---- "sorted by ...", "ranked by ...", "highest first" -----------------------------------

  private readOrdering() {
    this.items.forEach((item, i) => {
      if (item.kind === 'direction') {
        this.orderDirection = item.direction;
        this.ordered = true;
        this.use(i);
      }
      if (item.kind === 'superlative' && !this.used.has(i) && this.at(i + 1)?.text === 'first') {
        this.orderDirection = item.direction;
        this.ordered = true;
        this.use(i, i + 1);
      }
      if (item.kind !== 'order-marker') return;
      this.use(i);
      this.ordered = true;
      if (this.orderDirection === null && item.text.startsWith('rank'))
        this.orderDirection = 'desc';
      const j = this.next(i, ['filler', 'group-marker']);
      const target = this.at(j);
      if (target?.kind === 'aggregate' || target?.kind === 'superlative') {
        const k = this.next(j, ['filler', 'unknown']);
        const column = this.columnAt(k);
        if (column) {
          this.use(j, k);
          this.rankBy = { agg: aggregationOf(target), column };
        }
      } else if (target?.kind === 'column') {
        this.use(j);
        if (target.column.categorical || target.column.temporal) {
          // "sorted by symbol": by the group itself (the one already there, whatever its bucket).
          if (!this.plan.groups.some((g) => g.column === target.column)) {
            this.addGroup(target.column, null);
          }
          this.orderByGroup = this.plan.groups.findIndex((g) => g.column === target.column);
        } else {
          this.rankBy = { agg: 'avg', column: target.column };
        }
      }
    });
    // "species ranked by ...", "stocks sorted by ...": the subject is the group.
    if (this.ordered && this.plan.groups.length === 0 && !this.ranking) {
      const marker = this.items.findIndex((x) => x.kind === 'order-marker');
      for (let i = 0; i < (marker < 0 ? this.items.length : marker); i += 1) {
        const item = this.items[i]!;
        if (!this.used.has(i) && item.kind === 'column' && item.column.categorical) {
          this.use(i);
          this.addGroup(item.column, null);
          break;
        }
      }
    }
  }

  // ---- "what percentage of X are Y", "share of X by G" ------------------------------------

  private readPercent() {
    this.percentAt = this.items.findIndex((x) => x.kind === 'percent');
    if (this.percentAt >= 0) this.use(this.percentAt);
  }

  // ---- "average horsepower", "how many countries", "median mpg" ----------------------------

  private readMeasures() {
    this.items.forEach((item, i) => {
      if (this.used.has(i)) return;
      if (item.kind === 'aggregate') {
        this.use(i);
        this.measureFrom(i, item.agg);
      } else if (item.kind === 'superlative' && !this.ranking) {
        // "highest price of GOOG", "lowest minimum temperature", "highest single repair cost".
        let j = this.next(i);
        if (this.at(j)?.kind === 'unknown' && this.at(this.next(j))?.kind === 'column')
          j = this.next(j);
        const column = this.columnAt(j);
        if (column && (column.numeric || column.temporal)) {
          this.use(i, j);
          this.plan.measures.push({ agg: item.direction === 'desc' ? 'max' : 'min', column });
        }
      }
    });
  }

  private measureFrom(i: number, agg: Aggregate) {
    let j = this.next(i);
    const following = this.at(j);
    if (agg === 'count') {
      if (following?.kind === 'aggregate' && following.agg === 'distinct') return; // read next
      // "how many people died": the total of the column the verb names.
      const counted = this.next(j, ['filler', 'unit', 'unknown', 'copula']);
      const named = this.at(counted);
      const measured = named?.kind === 'column' ? named.column : null;
      const after = this.at(this.next(counted, ['filler', 'copula']))?.kind;
      const compared = after === 'compare' || after === 'between';
      if (measured && (measured === this.index.yearColumn || measured.temporal)) {
        // "in how many years": distinct years.
        this.use(counted);
        this.plan.measures.push({ agg: 'distinct', column: measured });
        return;
      }
      if (measured?.numeric && !measured.categorical && !compared) {
        this.use(counted);
        this.plan.measures.push({ agg: 'sum', column: measured });
        return;
      }
      const column = this.columnAt(j);
      if (column && !column.numeric && !column.temporal && !this.isFilterValueColumn(j)) {
        // "how many countries": distinct values of the column.
        this.use(j);
        this.entity = column;
        this.plan.measures.push({ agg: 'distinct', column });
      } else {
        this.plan.measures.push({ agg: 'count', column: null });
      }
      return;
    }
    // Skip a noun that is not a column ("how many distinct car names") and values, read as
    // filters later ("avg nuclear generation").
    let k = j;
    while (this.at(k)?.kind === 'value') k = this.next(k);
    if (this.at(k)?.kind === 'column') j = k;
    if (following?.kind === 'unknown' && this.at(this.next(j))?.kind === 'column') j = this.next(j);
    const column = this.columnAt(j);
    if (!column) {
      const word = this.at(j);
      if (word?.kind === 'unknown' && agg === 'sum' && this.index.countColumn) {
        // "total workers" over counted data: the total of the counts.
        this.use(j);
        this.plan.measures.push({ agg: 'sum', column: this.index.countColumn });
        return;
      }
      if (word?.kind === 'unknown') {
        // Refused unless the question names its measure elsewhere ("acceleration (mean) for cars").
        this.unexplained ??= `There is no column "${word.text}" in this data set.`;
        return;
      }
      if (agg === 'max' || agg === 'min') return; // "the most", read as a superlative elsewhere
      // "(the 'All natural disasters' total)": refused only if nothing else names a measure.
      this.unexplained ??= `${agg === 'avg' ? 'Average' : agg === 'sum' ? 'Total' : 'Which value'} of what? Name a column.`;
      return;
    }
    if (!column.numeric && !['distinct', 'min', 'max'].includes(agg) && !column.temporal) {
      cannot(
        `"${column.info.name}" is text; I can count its values but not take the ${agg} of it.`,
      );
    }
    this.use(j);
    this.plan.measures.push({ agg, column });
    // "average mpg and horsepower"
    const and = this.next(j);
    if (this.at(and)?.kind === 'and') {
      const k = this.next(and);
      const second = this.columnAt(k);
      if (second?.numeric && !second.categorical) {
        this.use(and, k);
        this.plan.measures.push({ agg, column: second });
      }
    }
  }

  /** Whether the column at `i` is only there to introduce a value ("origin is Japan"). */
  private isFilterValueColumn(i: number): boolean {
    const next = this.at(this.next(i, ['filler', 'copula']));
    const column = this.columnAt(i);
    return next?.kind === 'value' && next.column === column;
  }

  // ---- filters -------------------------------------------------------------------------------

  private readFilters() {
    const copula =
      this.percentAt >= 0
        ? this.items.findIndex((x, i) => i > this.percentAt && x.kind === 'copula')
        : -1;
    const condition: Filter[] = [];
    // After "what percentage of X are ...", values and comparisons are the condition; years
    // and dates still choose the rows ("what percentage of nurses were women in 1960").
    const target = (i: number) =>
      copula >= 0 &&
      i > copula &&
      ['value', 'compare', 'between', 'quoted'].includes(this.items[i]!.kind) &&
      !this.isYearBetween(i)
        ? condition
        : this.plan.filters;

    for (let i = 0; i < this.items.length; i += 1) {
      if (this.used.has(i)) continue;
      const item = this.items[i]!;
      switch (item.kind) {
        case 'value':
          this.readValues(i, target(i));
          break;
        case 'compare':
          this.readComparison(i, target(i));
          break;
        case 'between':
          this.readBetween(i, target(i));
          break;
        case 'year-preposition':
          this.readYearPreposition(i, target(i));
          break;
        case 'month':
          this.readMonth(i, target(i));
          break;
        case 'relative': {
          this.use(i);
          const date =
            this.index.dates[0] ?? cannot(`This data set has no date column for "${item.text}".`);
          target(i).push({
            kind: 'dates',
            column: date,
            ...relativeRange(item.unit, item.offset, item.count, this.now),
            label: item.text,
          });
          break;
        }
        case 'quoted':
          this.readContains(i, target(i));
          break;
        case 'number':
          this.readBareNumber(i, target(i));
          break;
        default:
          break;
      }
    }
    if (this.percentAt >= 0 && condition.length === 0 && this.plan.groups.length === 0) {
      // "percentage of Adelie penguins": the values after the percent word are the condition.
      const after = this.plan.filters.filter((f) => f.kind === 'in');
      if (after.length > 0) {
        this.plan.filters = this.plan.filters.filter((f) => f.kind !== 'in');
        condition.push(...after);
      }
    }
    if (condition.length > 0) this.plan.measures = [{ agg: 'count', column: null, condition }];
  }

  private negatedBefore(i: number): boolean {
    for (let j = i - 1; j >= Math.max(0, i - 4); j -= 1) {
      const item = this.items[j]!;
      if (item.kind === 'negation') {
        this.use(j);
        return true;
      }
      if (!['filler', 'unknown', 'copula', 'year-preposition', 'column'].includes(item.kind)) break;
    }
    return false;
  }

  private readValues(i: number, into: Filter[]) {
    const first = this.items[i]!;
    if (first.kind !== 'value') return;
    const negated = this.negatedBefore(i);
    const values = [first.value];
    this.use(i);
    let j = i;
    for (;;) {
      const join = this.next(j);
      const joinItem = this.at(join);
      const k =
        joinItem && (joinItem.kind === 'and' || joinItem.kind === 'or') ? this.next(join) : join;
      const value = this.at(k);
      if (value?.kind === 'value' && value.column === first.column && k !== j) {
        values.push(value.value);
        this.use(join, k);
        j = k;
      } else {
        break;
      }
    }
    const existing = into.find(
      (f): f is Extract<Filter, { kind: 'in' }> =>
        f.kind === 'in' && f.column === first.column && f.negated === negated,
    );
    if (existing) {
      // "male penguins on Biscoe" has two columns; "USA ... Japan" on one column means either.
      existing.values.push(...values.filter((v) => !existing.values.includes(v)));
    } else {
      into.push({ kind: 'in', column: first.column, values: [...new Set(values)], negated });
    }
  }

  private readComparison(i: number, into: Filter[]) {
    const item = this.items[i]!;
    if (item.kind !== 'compare') return;
    const n = this.next(i);
    const number = this.at(n);
    if (number?.kind !== 'number') {
      cannot(`"${item.text}" needs a number after it.`);
      return;
    }
    // The column: right after the number ("more than 6 cylinders", "20 mm of precipitation"),
    // else right before the comparison ("weigh more than", "fertility rate below").
    let c = this.next(n, ['filler', 'unit']);
    let column = this.columnAt(c);
    if (!column?.numeric) {
      c = this.previous(i, ['filler', 'copula', 'negation']);
      column = this.columnAt(c);
    }
    const negated = this.negatedBefore(i);
    if (!column || !column.numeric) {
      const preposition = this.at(this.previous(i));
      if (isYear(number.value) && preposition) {
        this.use(i, n);
        into.push(this.yearFilter(number.value, number.value, item.op));
        return;
      }
      cannot(`"${item.text} ${number.text}" — I couldn't tell which column to compare.`);
      return;
    }
    this.use(i, n, c);
    const op = negated
      ? ({ '>': '<=', '<': '>=', '>=': '<', '<=': '>', '=': '<>', '<>': '=' } as const)[item.op]
      : item.op;
    into.push({ kind: 'compare', column, op, value: number.value });
  }

  private readBetween(i: number, into: Filter[]) {
    const dates = this.dateRangeAt(i + 1);
    if (dates) {
      const column = this.index.dates[0] ?? cannot('This data set has no date column.');
      into.push({ kind: 'dates', column, ...dates });
      return;
    }
    const low = this.at(i + 1);
    const and = this.at(i + 2);
    const high = this.at(i + 3);
    if (low?.kind !== 'number' || and?.kind !== 'and' || high?.kind !== 'number') {
      cannot('"between" needs two numbers, as in "between 10 and 20".');
      return;
    }
    this.use(i, i + 1, i + 2, i + 3);
    const [a, b] = low.value <= high.value ? [low.value, high.value] : [high.value, low.value];
    const c = this.previous(i, ['filler', 'copula']);
    const column = this.columnAt(c);
    const overlaps =
      column?.numeric &&
      !this.used.has(c) &&
      !(Number(column.info.max) < a || Number(column.info.min) > b);
    if (column && overlaps && column !== this.index.yearColumn) {
      this.use(c);
      into.push({ kind: 'between', column, low: a, high: b });
    } else if (isYear(a) && isYear(b)) {
      into.push(this.yearFilter(a, b));
    } else if (column?.numeric) {
      this.use(c);
      into.push({ kind: 'between', column, low: a, high: b });
    } else {
      cannot(`"between ${a} and ${b}" — I couldn't tell which column to compare.`);
    }
  }

  private yearFilter(
    from: number,
    to: number,
    op: '>' | '<' | '>=' | '<=' | '=' | '<>' = '=',
  ): Filter {
    const column =
      this.index.dates[0] ??
      this.index.yearColumn ??
      cannot('This data set has no date or year column.');
    switch (op) {
      case '>':
        return { kind: 'years', column, from: from + 1, to: 9999 };
      case '>=':
        return { kind: 'years', column, from, to: 9999 };
      case '<':
        return { kind: 'years', column, from: 0, to: from - 1 };
      case '<=':
        return { kind: 'years', column, from: 0, to: from };
      default:
        return { kind: 'years', column, from, to };
    }
  }

  private readYearPreposition(i: number, into: Filter[]) {
    const item = this.items[i]!;
    if (item.kind !== 'year-preposition') return;
    const n = this.next(i);
    const number = this.at(n);
    if (number?.kind === 'number' && isYear(number.value) && !this.used.has(n)) {
      this.use(i, n);
      const range = item.op === '=' ? this.yearRangeAfter(n) : null;
      into.push(
        range
          ? this.yearFilter(number.value, range.to)
          : this.yearFilter(number.value, number.value, item.op),
      );
    } else if (number?.kind === 'month') {
      this.use(i);
    }
  }

  /**
   * The end of a year range starting with the year at `i`: "1995 through 2000", "1995 to 2000",
   * "1995-2000", "2012 onwards", "2012 or later" (open: 9999), "2012 or earlier" (handled as a
   * range from 0 by the caller's swap). Marks what it reads.
   */
  private yearRangeAfter(i: number): { to: number } | null {
    const next = this.at(i + 1);
    const after = this.at(i + 2);
    const startsRange = ['to', 'through', 'thru', 'until', 'till'].includes(next?.text ?? '');
    if (startsRange && after?.kind === 'number' && isYear(after.value)) {
      this.use(i + 1, i + 2);
      return { to: after.value };
    }
    if (next?.kind === 'number' && isYear(next.value) && next.value > (this.numberAt(i) ?? 0)) {
      this.use(i + 1);
      return { to: next.value };
    }
    if (['onward', 'onwards', 'later', 'beyond'].includes(next?.text ?? '')) {
      this.use(i + 1);
      return { to: 9999 };
    }
    if (
      ['or', 'and'].includes(next?.text ?? '') &&
      ['later', 'after', 'beyond', 'onwards'].includes(after?.text ?? '')
    ) {
      this.use(i + 1, i + 2);
      return { to: 9999 };
    }
    return null;
  }

  /**
   * "March 1 and March 7, 2014" (the year said once, at the end, or with each date): a range
   * including both days. Marks what it reads, with the "between" before it.
   */
  private dateRangeAt(j: number): { from: string; to: string; label: string } | null {
    const read = (k: number) => {
      const month = this.at(k);
      const day = this.at(k + 1);
      if (month?.kind !== 'month' || day?.kind !== 'number' || day.value < 1 || day.value > 31)
        return null;
      const year = this.at(k + 2);
      return {
        month: month.month,
        day: day.value,
        year: year?.kind === 'number' && isYear(year.value) ? year.value : null,
        end: year?.kind === 'number' && isYear(year.value) ? k + 3 : k + 2,
      };
    };
    const first = read(j);
    if (!first || this.at(first.end)?.kind !== 'and') return null;
    const second = read(first.end + 1);
    if (!second) return null;
    const year2 = second.year ?? first.year;
    const year1 = first.year ?? year2;
    if (year1 === null || year2 === null) {
      return cannot('Which year? Say, for example, "between March 1 and March 7, 2014".');
    }
    for (let k = j - 1; k < second.end; k += 1) this.use(k);
    const iso = (y: number, m: number, d: number) =>
      new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
    return {
      from: iso(year1, first.month, first.day),
      to: iso(year2, second.month, second.day + 1),
      label: `${iso(year1, first.month, first.day)} to ${iso(year2, second.month, second.day)}`,
    };
  }

  /** "between 2005 and 2007": years, not a comparison of a column. */
  private isYearBetween(i: number): boolean {
    const item = this.items[i];
    const low = this.at(i + 1);
    return item?.kind === 'between' && low?.kind === 'number' && isYear(low.value);
  }

  private numberAt(i: number): number | null {
    const item = this.at(i);
    return item?.kind === 'number' ? item.value : null;
  }

  private readMonth(i: number, into: Filter[]) {
    const item = this.items[i]!;
    if (item.kind !== 'month') return;
    const n = this.next(i);
    const year = this.at(n);
    if (year?.kind !== 'number' || !isYear(year.value)) {
      cannot(`Which year's ${item.text}? Say, for example, "${item.text} 2014".`);
      return;
    }
    this.use(i, n);
    const column = this.index.dates[0] ?? cannot('This data set has no date column.');
    into.push({
      kind: 'dates',
      column,
      ...dateRange(year.value, item.month),
      label: `${item.text} ${year.value}`,
    });
  }

  private readContains(i: number, into: Filter[]) {
    const item = this.items[i]!;
    if (item.kind !== 'quoted') return;
    this.use(i);
    // The nearest text column: "names containing 'ford'", "varieties whose name contains 'No.'".
    const near = [i - 1, i + 1, i - 2, i + 2, i - 3, i + 3, i - 4, i + 4, i - 5]
      .map((j) => ({ j, column: this.at(j)?.kind === 'column' ? this.columnAt(j) : null }))
      .find((x) => x.column && x.column.info.type === 'string' && !x.column.temporal);
    if (near) this.use(near.j);
    const column =
      near?.column ??
      (this.entity?.info.type === 'string' ? this.entity : null) ??
      (this.index.label?.info.type === 'string' ? this.index.label : null) ??
      cannot(`I couldn't tell which text column should contain "${item.value}".`);
    into.push({ kind: 'contains', column, text: item.value, negated: this.negatedBefore(i) });
  }

  private readBareNumber(i: number, into: Filter[]) {
    const item = this.items[i]!;
    if (item.kind !== 'number') return;
    // "cluster 3": an integer category and its value.
    const before = this.columnAt(this.previous(i));
    if (before?.categorical && before.info.type === 'integer' && !isYear(item.value)) {
      this.use(i, this.previous(i));
      into.push({ kind: 'compare', column: before, op: '=', value: item.value });
      return;
    }
    // "the 2005 population", "from 1995 through 2000", "2012 onwards"
    if (isYear(item.value) && (this.index.dates.length > 0 || this.index.yearColumn)) {
      this.use(i);
      const range = this.yearRangeAfter(i);
      into.push(this.yearFilter(item.value, range ? range.to : item.value));
    }
  }

  // ---- putting it together -------------------------------------------------------------------

  private assemble() {
    const plan = this.plan;
    const percent = this.percentAt >= 0;
    if (percent && !plan.measures.some((m) => m.condition)) {
      // "share of X by G": of rows, or of a numeric column's total.
      const j = this.items.findIndex(
        (x, i) => i > this.percentAt && !this.used.has(i) && x.kind !== 'filler',
      );
      const column = j >= 0 ? this.columnAt(j) : null;
      const total = plan.measures.find((m) => m.agg === 'sum' && m.column);
      // "share of the total yield": the total read as a measure already.
      const ofColumn = total?.column ?? (column?.numeric && !column.categorical ? column : null);
      if (ofColumn === column && column) this.use(j);
      if (plan.groups.length === 0)
        cannot('A share needs groups: say "share of rows by <column>".');
      plan.measures = [{ agg: ofColumn ? 'sum' : 'count', column: ofColumn, share: true }];
    }

    const ranking = this.ranking;
    if (ranking) {
      const measure = ranking.measure ?? this.rankBy ?? plan.measures[0] ?? null;
      if (!measure) cannot('Ranked by what? Name a column, as in "top 5 by price".');
      const m = measure!;
      const entity = ranking.entity ?? this.firstUnusedCategorical();
      if (entity) {
        this.addGroup(entity, null);
        if (!plan.measures.includes(m)) plan.measures.unshift(m);
        plan.order = {
          by: 'measure',
          index: plan.measures.indexOf(m),
          direction: ranking.direction,
        };
      } else if (
        m.column &&
        (m.agg === 'max' || m.agg === 'min' || m === this.rankBy) &&
        plan.groups.length === 0
      ) {
        // Rows themselves: "top 5 heaviest cars", "the 3 coldest days".
        const label = this.index.label ?? cannot('There is no column naming the rows to list.');
        plan.list = label === m.column ? [label] : [label, m.column];
        plan.measures = [];
        plan.order = { by: 'list', index: plan.list.length - 1, direction: ranking.direction };
      } else {
        if (!plan.measures.includes(m)) plan.measures.unshift(m);
        plan.order = {
          by: 'measure',
          index: plan.measures.indexOf(m),
          direction: ranking.direction,
        };
      }
      plan.limit = ranking.limit;
      return;
    }

    if (
      this.rankBy &&
      !plan.measures.some((m) => m.agg === this.rankBy!.agg && m.column === this.rankBy!.column)
    ) {
      plan.measures.push(this.rankBy);
    }
    if (plan.measures.length === 0 && this.unexplained) cannot(this.unexplained);
    if (plan.measures.length === 0) {
      // A number column named without an aggregation: its average per group, else its rows.
      const k = this.items.findIndex(
        (x, i) =>
          !this.used.has(i) && x.kind === 'column' && x.column.numeric && !x.column.categorical,
      );
      const column = k >= 0 ? this.columnAt(k) : null;
      // "total cost" naming the column `Cost Total`: the total of it.
      const named =
        k >= 0 ? this.items[k]!.text.split(' ').find((w) => w in AGGREGATE_WORDS) : undefined;
      if (column && named) {
        this.use(k);
        plan.measures.push({ agg: AGGREGATE_WORDS[named]!, column });
      } else if (column && plan.groups.length > 0) {
        this.use(k);
        plan.measures.push({ agg: 'avg', column });
      } else if (column && plan.filters.length > 0) {
        this.use(k);
        const label = this.index.label;
        plan.list = label && label !== column ? [label, column] : [column];
      } else if (plan.groups.length > 0) {
        plan.measures.push({ agg: 'count', column: null });
      } else {
        cannot('I did not find what to compute.');
      }
    }
    if (this.ordered && this.orderByGroup >= 0 && !plan.list) {
      plan.order = {
        by: 'group',
        index: this.orderByGroup,
        direction: this.orderDirection ?? 'asc',
      };
    } else if (this.ordered) {
      const target = this.rankBy
        ? plan.measures.findIndex(
            (m) => m.agg === this.rankBy!.agg && m.column === this.rankBy!.column,
          )
        : 0;
      plan.order = {
        by: plan.list ? 'list' : 'measure',
        index: plan.list ? plan.list.length - 1 : Math.max(0, target),
        direction: this.orderDirection ?? 'asc',
      };
    }
  }

  private inPlan(column: IndexedColumn): boolean {
    const p = this.plan;
    return (
      p.measures.some((m) => m.column === column) ||
      p.groups.some((g) => g.column === column) ||
      (p.list ?? []).includes(column) ||
      p.filters.some((f) => f.column === column)
    );
  }

  private firstUnusedCategorical(): IndexedColumn | null {
    const k = this.items.findIndex(
      (x, i) => !this.used.has(i) && x.kind === 'column' && x.column.categorical,
    );
    if (k < 0) return null;
    this.use(k);
    return this.columnAt(k);
  }

  /** Counted data ("count" column): counting rows means adding up the counts. */
  private weighCounts() {
    const weight = this.index.countColumn;
    if (!weight) return;
    for (const measure of this.plan.measures) {
      if (measure.agg === 'count' && measure.column === null) measure.weight = weight;
    }
  }

  private refuseLeftovers() {
    this.items.forEach((item, i) => {
      if (this.used.has(i)) return;
      if (item.kind === 'ambiguous') this.columnAt(i);
      if (
        item.kind === 'column' &&
        item.column.numeric &&
        !item.column.categorical &&
        !item.partial &&
        !this.inPlan(item.column) &&
        item.column !== this.index.yearColumn
      ) {
        cannot(`I understood "${item.text}" but not what to do with it.`);
      }
      if (item.kind === 'bucket' && this.plan.groups.length === 0 && item.text.endsWith('ly')) {
        cannot(`I couldn't place "${item.text}".`);
      }
    });
  }
}
