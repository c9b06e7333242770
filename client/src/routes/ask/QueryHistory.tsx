import type { FragmentType } from '@apollo/client';
import { ErrorPanel } from '../../components/ErrorPanel';
import type { ErrorDescription } from '../../errors';
import { useNow } from '../../use-now';
import type { HistoryItemSavedQuery } from './ask-operations';
import { HistoryItem, VERIFY_HINT } from './HistoryItem';

/** The caller's questions about the data set, newest first. */
export function QueryHistory({
  entries,
  error,
  onRetry,
  onRestore,
}: {
  /** Undefined while loading. */
  entries: ReadonlyArray<{ id: string } & FragmentType<HistoryItemSavedQuery>> | undefined;
  error: ErrorDescription | null;
  onRetry: () => void;
  onRestore: (entry: { question: string; sql: string }) => void;
}) {
  const now = useNow(60_000);
  let body;
  if (entries) {
    body =
      entries.length === 0 ? (
        <p className="muted" data-testid="history-empty">
          Your questions about this data set will be listed here.
        </p>
      ) : (
        <ul className="history__list" data-testid="history">
          {entries.map((entry) => (
            <HistoryItem key={entry.id} savedQuery={entry} now={now} onRestore={onRestore} />
          ))}
        </ul>
      );
  } else if (error) {
    body = (
      <ErrorPanel error={error} testId="history-error">
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      </ErrorPanel>
    );
  } else {
    body = (
      <p className="muted" role="status">
        Loading your questions…
      </p>
    );
  }
  return (
    <section className="history" aria-labelledby="history-title">
      <h2 id="history-title">Your questions</h2>
      <p className="field__hint">
        Newest first. Pick one to put its question and SQL back. {VERIFY_HINT}
      </p>
      {body}
    </section>
  );
}
