/** Words of a question or a column name, normalised the same way so they can be compared. */

export interface Token {
  /** Lower-case text as typed (numbers without `$`, `,`; quoted text without quotes). */
  text: string;
  /** As typed, for showing a question back. */
  raw: string;
  /** The singular, lower-case stem used for matching. */
  stem: string;
  kind: 'word' | 'number' | 'quoted' | 'symbol';
  /** For numbers. */
  value?: number;
}

const IRREGULAR: Record<string, string> = {
  people: 'person',
  children: 'child',
  men: 'man',
  women: 'woman',
  feet: 'foot',
  mice: 'mouse',
  data: 'data',
  series: 'series',
  species: 'species',
  gas: 'gas',
  less: 'less',
  was: 'was',
  has: 'has',
  is: 'is',
  its: 'its',
  this: 'this',
  analysis: 'analysis',
  yes: 'yes',
  us: 'us',
  bus: 'bus',
  plus: 'plus',
  status: 'status',
  minus: 'minus',
};

/** A crude English singular: enough to match "countries" with "country", "cars" with "car". */
export function stem(word: string): string {
  const w = word.toLowerCase();
  if (IRREGULAR[w]) return IRREGULAR[w];
  if (w.length <= 3 || /\d/.test(w)) return w;
  if (w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (/(ss|us|is)$/.test(w)) return w;
  if (/(sses|shes|ches|xes|zes)$/.test(w)) return w.slice(0, -2);
  if (w.endsWith('s')) return w.slice(0, -1);
  return w;
}

/**
 * Splits a question into tokens: words, numbers (`$30`, `1,000`, `2.5`), quoted text ('ford'),
 * and the symbols that matter (`%`, `>`, `<`, `=`).
 */
export function tokenize(question: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /'([^']*)'|"([^"]*)"|‘([^’]*)’|“([^”]*)”|\$?(\d[\d,]*(?:\.\d+)?|\.\d+)(?![a-z])|([a-z][a-z0-9]*(?:'[a-z]+)?)|([%<>=≠≥≤])/gi;
  for (const match of question.matchAll(pattern)) {
    const quoted = match[1] ?? match[2] ?? match[3] ?? match[4];
    if (quoted !== undefined) {
      tokens.push({ text: quoted, raw: quoted, stem: quoted.toLowerCase(), kind: 'quoted' });
    } else if (match[5] !== undefined) {
      const value = Number(match[5].replace(/,/g, ''));
      const text = match[5].replace(/,/g, '');
      tokens.push({ text, raw: match[0], stem: String(value), kind: 'number', value });
    } else if (match[6] !== undefined) {
      const text = match[6].toLowerCase().replace(/'s$/, '');
      tokens.push({ text, raw: match[6], stem: stem(text), kind: 'word' });
    } else if (match[7] !== undefined) {
      tokens.push({ text: match[7], raw: match[7], stem: match[7], kind: 'symbol' });
    }
  }
  return tokens;
}

/**
 * The words of a column name: `Miles_per_Gallon` → miles per gallon, `temp_max` → temp max,
 * `lifeExpect` → life expect, `Beak Length (mm)` → beak length (the unit is kept apart).
 */
export function nameWords(name: string): { words: string[]; unit: string | null } {
  const unit = /\(([^)]*)\)\s*$/.exec(name)?.[1]?.trim().toLowerCase() ?? null;
  const words = name
    .replace(/\([^)]*\)/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
  return { words, unit };
}
