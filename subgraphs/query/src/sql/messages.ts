/** DuckDB's error text made readable for a person: no internal prefixes, no caret diagrams. */

export function cleanDuckDbMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const lines = raw
    .replace(/^(Error:\s*)?(Failed to extract statements:\s*)?/, '')
    .split('\n')
    .map((line) => line.trim());
  const kept: string[] = [];
  for (const line of lines) {
    if (/^LINE \d+:/.test(line)) break;
    if (line) kept.push(line);
  }
  const message = kept
    .join(' ')
    .replace(/^([A-Z][A-Za-z]*( [A-Za-z]+)?) Error:\s*/, '')
    .trim();
  const sentence = message.charAt(0).toUpperCase() + message.slice(1);
  return sentence.length > 500 ? `${sentence.slice(0, 497)}...` : sentence || 'The SQL is invalid.';
}

/** The statement's first keyword (COPY, ATTACH...), past comments, for messages. */
export function firstKeyword(sql: string): string {
  const stripped = sql.replace(/^(\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/)+/, '');
  const word = /^[A-Za-z]+/.exec(stripped)?.[0];
  return word ? word.toUpperCase() : 'non-SELECT';
}
