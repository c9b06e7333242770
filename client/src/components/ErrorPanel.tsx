import type { ReactNode } from 'react';
import type { ErrorDescription } from '../errors';

/** A readable error: what happened, and the code and request id to quote when asking for help. */
export function ErrorPanel({
  error,
  headingLevel = 2,
  details,
  children,
  testId = 'error-panel',
}: {
  error: ErrorDescription;
  headingLevel?: 1 | 2;
  /** More about this error, under its message (a list of reasons, when to try again). */
  details?: ReactNode;
  /** Actions: buttons and links. */
  children?: ReactNode;
  testId?: string;
}) {
  const Heading = headingLevel === 1 ? 'h1' : 'h2';
  return (
    <section className="panel panel--error" role="alert" data-testid={testId}>
      <Heading className="panel__title">{error.title}</Heading>
      <p className="panel__message" data-testid="error-message">
        {error.message}
      </p>
      {details}
      {(error.code ?? error.requestId) && (
        <dl className="error-meta">
          {error.code && (
            <div>
              <dt>Code</dt>
              <dd>
                <code data-testid="error-code">{error.code}</code>
              </dd>
            </div>
          )}
          {error.requestId && (
            <div>
              <dt>Request id</dt>
              <dd>
                <code data-testid="error-request-id">{error.requestId}</code>
              </dd>
            </div>
          )}
        </dl>
      )}
      {children && <div className="panel__actions">{children}</div>}
    </section>
  );
}
