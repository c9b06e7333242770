import { Link } from 'react-router';
import { ErrorPanel } from '../../components/ErrorPanel';
import { retrySentence, type AskFailure } from './ask-errors';

/** Why a question or edited SQL got no answer, with what to do next. */
export function AskErrorPanel({ failure }: { failure: AskFailure }) {
  let details = null;
  switch (failure.kind) {
    case 'rate-limited':
      details = (
        <p className="panel__message" data-testid="retry-after">
          {retrySentence(failure.retryAfterSeconds, failure.at)}
        </p>
      );
      break;
    case 'invalid-sql':
      details =
        failure.sqlErrors.length > 0 ? (
          <ul className="ask-error__list" data-testid="sql-errors">
            {failure.sqlErrors.map((error) => (
              <li key={error}>{error}</li>
            ))}
          </ul>
        ) : null;
      break;
    case 'timeout':
      details = (
        <p className="panel__message">
          Ask about fewer rows (a filter, a shorter period) or fewer groups, then try again.
        </p>
      );
      break;
    default:
      break;
  }
  return (
    <ErrorPanel error={failure.error} details={details} testId="ask-error">
      {failure.kind === 'not-found' && (
        <Link to="/datasets" className="button button--ghost">
          Go to Datasets
        </Link>
      )}
    </ErrorPanel>
  );
}
