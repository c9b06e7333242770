/**
 * Edits of a cached `datasets` connection when a `datasetEvents` message says a data set was
 * created or deleted. Pure: the edges are the cache's (a node is a reference), read through
 * `idOf`. Status changes need no edit: the event's data set updates the normalized entity, and
 * every list that holds it shows the change.
 */

/** The list holds the newest data sets first: a new one goes on top, once. */
export function withEdgeFirst<E>(
  edges: readonly E[],
  edge: E,
  idOf: (edge: E) => string | undefined,
): E[] {
  const id = idOf(edge);
  return edges.some((existing) => idOf(existing) === id) ? [...edges] : [edge, ...edges];
}

export function withoutEdge<E>(
  edges: readonly E[],
  id: string,
  idOf: (edge: E) => string | undefined,
): E[] {
  return edges.filter((edge) => idOf(edge) !== id);
}

/**
 * Whose data sets a cached list holds, from its store field name (`datasets`, `datasets:{}`, or
 * `datasets:{"ownerId":"…"}`, as `keyArgs: ['ownerId']` makes it): an owner's id, or null for a
 * list of every data set the viewer can see.
 */
export function listOwnerId(storeFieldName: string): string | null {
  const colon = storeFieldName.indexOf(':');
  if (colon < 0) return null;
  try {
    const key: unknown = JSON.parse(storeFieldName.slice(colon + 1));
    if (key && typeof key === 'object' && 'ownerId' in key && typeof key.ownerId === 'string') {
      return key.ownerId;
    }
  } catch {
    // not a key object: a list without a filter
  }
  return null;
}
