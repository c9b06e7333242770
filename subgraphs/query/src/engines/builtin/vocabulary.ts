/**
 * The words the built-in engine understands, in one place: aggregations, time buckets,
 * comparisons, orderings, superlatives, and general synonyms for words found in column names.
 * Keys and entries are stems (see text.ts).
 */

export type Aggregate = 'count' | 'sum' | 'avg' | 'min' | 'max' | 'median' | 'distinct' | 'stddev';
export type Bucket = 'year' | 'quarter' | 'month' | 'week' | 'day';
export type Direction = 'asc' | 'desc';

/** Single words naming an aggregation of the column that follows. */
export const AGGREGATE_WORDS: Record<string, Aggregate> = {
  average: 'avg',
  avg: 'avg',
  mean: 'avg',
  typical: 'avg',
  total: 'sum',
  sum: 'sum',
  combined: 'sum',
  max: 'max',
  maximum: 'max',
  highest: 'max',
  largest: 'max',
  biggest: 'max',
  greatest: 'max',
  peak: 'max',
  min: 'min',
  minimum: 'min',
  lowest: 'min',
  smallest: 'min',
  least: 'min',
  median: 'median',
  count: 'count',
  tally: 'count',
  distinct: 'distinct',
  unique: 'distinct',
  different: 'distinct',
};

/** Two-word aggregations. */
export const AGGREGATE_PHRASES: [string[], Aggregate][] = [
  [['standard', 'deviation'], 'stddev'],
  [['std', 'dev'], 'stddev'],
  [['how', 'many'], 'count'],
  [['number', 'of'], 'count'],
  [['count', 'of'], 'count'],
  [['amount', 'of'], 'sum'],
];

export const BUCKET_WORDS: Record<string, Bucket> = {
  year: 'year',
  yearly: 'year',
  annual: 'year',
  annually: 'year',
  quarter: 'quarter',
  quarterly: 'quarter',
  month: 'month',
  monthly: 'month',
  week: 'week',
  weekly: 'week',
  day: 'day',
  daily: 'day',
};
/** Bucket words that are adjectives: "monthly average" groups by month by themselves. */
export const BUCKET_ADJECTIVES = new Set([
  'yearly',
  'annual',
  'annually',
  'quarterly',
  'monthly',
  'weekly',
  'daily',
]);

export const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/** Words that turn the value or comparison after them around. */
export const NEGATIONS = new Set([
  'not',
  'excluding',
  'exclude',
  'except',
  'without',
  'non',
  'outside',
  'besides',
]);
/** "other than", "apart from", "aside from". */
export const NEGATION_PHRASES = [
  ['other', 'than'],
  ['apart', 'from'],
  ['aside', 'from'],
  ['rather', 'than'],
];

export type Comparison = '>' | '<' | '>=' | '<=' | '=' | '<>';
export const COMPARISON_PHRASES: [string[], Comparison][] = [
  [['more', 'than'], '>'],
  [['greater', 'than'], '>'],
  [['larger', 'than'], '>'],
  [['bigger', 'than'], '>'],
  [['higher', 'than'], '>'],
  [['heavier', 'than'], '>'],
  [['longer', 'than'], '>'],
  [['older', 'than'], '>'],
  [['at', 'least'], '>='],
  [['no', 'less', 'than'], '>='],
  [['less', 'than'], '<'],
  [['fewer', 'than'], '<'],
  [['lower', 'than'], '<'],
  [['smaller', 'than'], '<'],
  [['lighter', 'than'], '<'],
  [['shorter', 'than'], '<'],
  [['at', 'most'], '<='],
  [['no', 'more', 'than'], '<='],
  [['up', 'to'], '<='],
  [['equal', 'to'], '='],
  [['exactly'], '='],
  [['above'], '>'],
  [['over'], '>'],
  [['exceeding'], '>'],
  [['exceed'], '>'],
  [['below'], '<'],
  [['under'], '<'],
  [['>'], '>'],
  [['<'], '<'],
  [['≥'], '>='],
  [['≤'], '<='],
  [['>', '='], '>='],
  [['<', '='], '<='],
  [['='], '='],
  [['≠'], '<>'],
];

/** Superlatives: their direction and, for adjectives about one quantity, words of its column. */
export const SUPERLATIVES: Record<string, { direction: Direction; hints?: string[][] }> = {
  highest: { direction: 'desc' },
  most: { direction: 'desc' },
  largest: { direction: 'desc' },
  greatest: { direction: 'desc' },
  best: { direction: 'desc' },
  lowest: { direction: 'asc' },
  least: { direction: 'asc' },
  fewest: { direction: 'asc' },
  smallest: { direction: 'asc' },
  worst: { direction: 'asc' },
  heaviest: { direction: 'desc', hints: [['weight'], ['mass'], ['weigh']] },
  lightest: { direction: 'asc', hints: [['weight'], ['mass'], ['weigh']] },
  hottest: {
    direction: 'desc',
    hints: [['temp', 'max'], ['temperature', 'max'], ['temp'], ['temperature']],
  },
  warmest: {
    direction: 'desc',
    hints: [['temp', 'max'], ['temperature', 'max'], ['temp'], ['temperature']],
  },
  coldest: {
    direction: 'asc',
    hints: [['temp', 'min'], ['temperature', 'min'], ['temp'], ['temperature']],
  },
  windiest: { direction: 'desc', hints: [['wind']] },
  wettest: { direction: 'desc', hints: [['precipitation'], ['rain'], ['rainfall']] },
  rainiest: { direction: 'desc', hints: [['precipitation'], ['rain'], ['rainfall']] },
  driest: { direction: 'asc', hints: [['precipitation'], ['rain'], ['rainfall']] },
  longest: { direction: 'desc', hints: [['length'], ['duration'], ['distance']] },
  shortest: { direction: 'asc', hints: [['length'], ['duration'], ['distance']] },
  tallest: { direction: 'desc', hints: [['height']] },
  populous: { direction: 'desc', hints: [['pop'], ['population']] },
  expensive: { direction: 'desc', hints: [['price'], ['cost']] },
  cheapest: { direction: 'asc', hints: [['price'], ['cost']] },
  richest: { direction: 'desc', hints: [['income'], ['gdp'], ['wealth']] },
  poorest: { direction: 'asc', hints: [['income'], ['gdp'], ['wealth']] },
  fastest: { direction: 'desc', hints: [['speed']] },
  deadliest: { direction: 'desc', hints: [['death'], ['fatality'], ['killed']] },
  costliest: { direction: 'desc', hints: [['cost'], ['price']] },
  busiest: { direction: 'desc', hints: [['traffic'], ['passenger'], ['visit']] },
  biggest: { direction: 'desc' },
  slowest: { direction: 'asc', hints: [['speed']] },
  oldest: { direction: 'asc', hints: [['date'], ['year'], ['age']] },
  earliest: { direction: 'asc', hints: [['date'], ['year'], ['time']] },
  newest: { direction: 'desc', hints: [['date'], ['year']] },
  latest: { direction: 'desc', hints: [['date'], ['year'], ['time']] },
  recent: { direction: 'desc', hints: [['date'], ['year'], ['time']] },
};

/** Words that mean the same as a word found in column names (both directions are tried). */
export const SYNONYMS: Record<string, string[]> = {
  temperature: ['temp'],
  temp: ['temperature'],
  max: ['maximum', 'high', 'highest'],
  min: ['minimum', 'low', 'lowest'],
  avg: ['average', 'mean'],
  pop: ['population', 'populous'],
  population: ['pop', 'populous'],
  expect: ['expectancy'],
  expectancy: ['expect'],
  mpg: ['mileage', 'economy'],
  weight: ['weigh', 'heavy', 'mass'],
  mass: ['weight', 'weigh', 'heavy'],
  lbs: ['pound'],
  precipitation: ['rain', 'rainfall', 'precip'],
  wind: ['windy'],
  symbol: ['stock', 'ticker', 'company'],
  price: ['priced', 'cost', 'value'],
  qty: ['quantity'],
  quantity: ['qty'],
  amt: ['amount'],
  amount: ['amt'],
  num: ['number'],
  cnt: ['count'],
  desc: ['description'],
  dept: ['department'],
  country: ['nation'],
  sex: ['gender'],
  gender: ['sex'],
  revenue: ['sale', 'income'],
  sale: ['revenue'],
  horsepower: ['hp', 'power'],
  death: ['died', 'die', 'dead', 'killed', 'kill', 'fatality', 'fatalities'],
  cost: ['costs', 'spent', 'spend'],
  generation: ['generate', 'generated', 'produced', 'output'],
  displacement: ['engine'],
  acceleration: ['accel'],
  fertility: ['birth'],
  life: ['lifespan'],
  cluster: ['group', 'region'],
  cylinder: ['cyl'],
};

/** Units that may follow a number; they name no column on their own. */
export const UNITS = new Set([
  'mm',
  'cm',
  'm',
  'km',
  'g',
  'gram',
  'kg',
  'lb',
  'lbs',
  'pound',
  'percent',
  'dollar',
  'usd',
  'eur',
  'degree',
  'c',
  'f',
  'mph',
  'kmh',
  'inch',
  'second',
  'sec',
  'minute',
  'hour',
  'hp',
  'people',
  'person',
]);

/** Words that carry no meaning for the query. */
export const FILLER = new Set(
  `a an the of in on at for to from with by per each every and or is are was were be been being
  do does did has have had what which who whose whom where when how show me list give tell find
  get display please i we you my our your their its it this that these those there here all any
  some as into than then also only just so data dataset table set record records row rows entry
  entries value values across over during within among value there's what's whats can could would
  should will number type kind rate level figure figures stat stats statistic statistics
  overall altogether in-total recorded measured observed ever`.split(/\s+/),
);

/** Verbs that connect an entity and a condition ("penguins are Adelie"). */
export const COPULAS = new Set(['is', 'are', 'was', 'were', 'have', 'has', 'had', 'be']);

/** Operations the built-in engine does not do: a question asking for one is refused. */
export const UNSUPPORTED = new Set([
  'correlation',
  'correlate',
  'correlated',
  'regression',
  'forecast',
  'predict',
  'prediction',
  'trend',
  'growth',
  'grow',
  'change',
  'changed',
  'increase',
  'decrease',
  'difference',
  'compare',
  'comparison',
  'versus',
  'vs',
  'ratio',
  'cumulative',
  'running',
  'rolling',
  'moving',
  'delete',
  'drop',
  'update',
  'insert',
  'ignore',
  'join',
  'why',
]);

/** Adjectives people use for places that appear as values ("American cars" for `USA`). */
export const DEMONYMS: Record<string, string[]> = {
  usa: ['american', 'us'],
  us: ['american'],
  'united states': ['american'],
  america: ['american'],
  japan: ['japanese'],
  europe: ['european'],
  germany: ['german'],
  france: ['french'],
  italy: ['italian'],
  spain: ['spanish'],
  china: ['chinese'],
  india: ['indian'],
  uk: ['british', 'english'],
  'united kingdom': ['british'],
  canada: ['canadian'],
  mexico: ['mexican'],
  brazil: ['brazilian'],
  korea: ['korean'],
  sweden: ['swedish'],
  australia: ['australian'],
  russia: ['russian'],
};
