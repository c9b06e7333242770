/**
 * DataLoader helper: batch by id with one query, answer in the keys' order (null for a missing id).
 * Create loaders per request (in the context), never shared across users.
 */
import DataLoader from 'dataloader';

export function loaderById<T extends { id: string }>(
  fetch: (ids: readonly string[]) => Promise<T[]>,
): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = await fetch(ids);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** Groups child rows under their parent id: for to-many fields. */
export function loaderByParent<T>(
  parentIdOf: (row: T) => string,
  fetch: (parentIds: readonly string[]) => Promise<T[]>,
): DataLoader<string, T[]> {
  return new DataLoader<string, T[]>(async (parentIds) => {
    const rows = await fetch(parentIds);
    const groups = new Map<string, T[]>();
    for (const row of rows) {
      const key = parentIdOf(row);
      const group = groups.get(key) ?? [];
      group.push(row);
      groups.set(key, group);
    }
    return parentIds.map((id) => groups.get(id) ?? []);
  });
}
