import { useState } from 'react';
import { describeError, type ErrorDescription } from './errors';

/**
 * "Load more" for a paged query: runs `load` (a `fetchMore` with the end cursor) and keeps its
 * error, so a failed next page is shown under the table instead of replacing the rows already
 * loaded.
 */
export function useLoadMore(load: (() => Promise<unknown>) | null): {
  loadMore: () => void;
  error: ErrorDescription | null;
} {
  const [error, setError] = useState<ErrorDescription | null>(null);
  const loadMore = () => {
    if (!load) return;
    setError(null);
    load().catch((cause: unknown) => setError(describeError(cause)));
  };
  return { loadMore, error };
}
