/**
 * `AuditEvent.details` is a JSON object serialized as a string. The audit table shows it as short
 * `key: value` pairs, nested objects flattened with dots (`after.role: ANALYST`), so a change reads
 * at a glance without a wall of braces and quotes.
 */

export interface DetailEntry {
  key: string;
  value: string;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function flatten(object: Record<string, unknown>, prefix: string, into: DetailEntry[]): void {
  for (const [name, value] of Object.entries(object)) {
    const key = prefix ? `${prefix}.${name}` : name;
    if (isPlainObject(value) && Object.keys(value).length > 0) flatten(value, key, into);
    else into.push({ key, value: typeof value === 'string' ? value : JSON.stringify(value) });
  }
}

/**
 * `{"email":"a@example.test","role":"ANALYST"}` -> `[{key: 'email', value: 'a@example.test'},
 * {key: 'role', value: 'ANALYST'}]`. Null when the text is not a JSON object: the caller then shows
 * it as it is, rather than hiding what the platform recorded.
 */
export function detailEntries(details: string): DetailEntry[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(details);
  } catch {
    return null;
  }
  if (!isPlainObject(parsed)) return null;
  const entries: DetailEntry[] = [];
  flatten(parsed, '', entries);
  return entries;
}
