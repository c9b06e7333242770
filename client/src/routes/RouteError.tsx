import { Link, useRouteError } from 'react-router';
import { ErrorPanel } from '../components/ErrorPanel';
import { describeError } from '../errors';

/**
 * The error boundary of every route: a readable message, the error code and request id when the
 * platform sent them, and a way back. Never a stack trace.
 */
export function RouteError() {
  const error = describeError(useRouteError());
  return (
    <>
      <title>{`${error.title} · Analytics Platform`}</title>
      <ErrorPanel error={error} headingLevel={1} testId="route-error">
        <button type="button" className="button" onClick={() => window.location.reload()}>
          Reload
        </button>
        <Link className="button button--ghost" to="/datasets">
          Go to Datasets
        </Link>
      </ErrorPanel>
    </>
  );
}
