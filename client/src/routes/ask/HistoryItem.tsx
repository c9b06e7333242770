import { type FragmentType } from '@apollo/client';
import { useFragment } from '@apollo/client/react';
import { useState } from 'react';
import { RelativeTime } from '../../components/RelativeTime';
import { describeError, type ErrorDescription } from '../../errors';
import { formatCount } from '../../format';
import {
  HISTORY_ITEM_FRAGMENT,
  useVerifyAnswer,
  type HistoryItemSavedQuery,
} from './ask-operations';

export const VERIFY_HINT =
  'Verified answers teach the language model: their question and SQL are shown to it as examples for this data set.';

/** One question of the history: pressing it puts the question and its SQL back; "verified" toggles. */
export function HistoryItem({
  savedQuery,
  now,
  onRestore,
}: {
  savedQuery: FragmentType<HistoryItemSavedQuery>;
  now: Date;
  onRestore: (entry: { question: string; sql: string }) => void;
}) {
  const { data, complete } = useFragment({
    fragment: HISTORY_ITEM_FRAGMENT,
    fragmentName: 'HistoryItem_savedQuery',
    from: savedQuery,
  });
  const [verifyAnswer, { loading }] = useVerifyAnswer();
  const [error, setError] = useState<ErrorDescription | null>(null);
  if (!complete) return null;

  const toggle = async () => {
    setError(null);
    try {
      await verifyAnswer({ variables: { id: data.id, verified: !data.verified } });
    } catch (cause) {
      setError(describeError(cause));
    }
  };

  const rows = data.rowCount === null ? null : formatCount(data.rowCount);
  return (
    <li className="history__item" data-testid="history-item" data-saved-query-id={data.id}>
      <button
        type="button"
        className="history__restore"
        onClick={() => onRestore({ question: data.question, sql: data.generatedSql })}
        aria-label={`Put back: ${data.question}`}
      >
        <span className="history__question" data-testid="history-question">
          {data.question}
        </span>
        <span className="history__meta">
          {rows !== null && `${rows} ${data.rowCount === 1 ? 'row' : 'rows'} · `}
          {data.engine === 'edited' ? 'edited SQL · ' : ''}
          <RelativeTime iso={data.createdAt} now={now} />
        </span>
      </button>
      <button
        type="button"
        className={`button button--small ${data.verified ? 'button--verified' : 'button--ghost'}`}
        aria-pressed={data.verified}
        onClick={() => void toggle()}
        disabled={loading}
        title={VERIFY_HINT}
        data-testid="verify-answer"
      >
        {data.verified ? '✓ Verified' : 'Mark as verified'}
      </button>
      {error && (
        <p className="history__error" role="alert">
          {error.message}
        </p>
      )}
    </li>
  );
}
