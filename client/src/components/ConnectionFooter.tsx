import type { ErrorDescription } from '../errors';
import { ErrorPanel } from './ErrorPanel';

/** Under a paged table: how many rows are shown, "Load more" while there are more, its error. */
export function ConnectionFooter({
  shown,
  noun,
  hasNextPage,
  loading,
  onLoadMore,
  error,
  testId,
}: {
  shown: number;
  /** Singular and plural: ['user', 'users']. */
  noun: readonly [string, string];
  hasNextPage: boolean;
  loading: boolean;
  onLoadMore: () => void;
  error: ErrorDescription | null;
  testId: string;
}) {
  return (
    <>
      <div className="table-footer">
        <p className="muted" role="status" data-testid={`${testId}-count`}>
          Showing {shown} {shown === 1 ? noun[0] : noun[1]}
          {hasNextPage ? '' : ' — that is all of them'}
        </p>
        {hasNextPage && (
          <button
            type="button"
            className="button"
            onClick={onLoadMore}
            disabled={loading}
            data-testid={`${testId}-load-more`}
          >
            {loading ? 'Loading…' : 'Load more'}
          </button>
        )}
      </div>
      {error && <ErrorPanel error={error} testId={`${testId}-more-error`} />}
    </>
  );
}
