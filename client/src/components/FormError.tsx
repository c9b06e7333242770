import type { ErrorDescription } from '../errors';

// Answers about what the person typed or may do: the message says it all. For anything else
// (INTERNAL, UPSTREAM_UNAVAILABLE, no code) the request id is what support needs.
const SELF_EXPLANATORY = new Set([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
]);

/** The error of a form, next to it: the platform's message (written for users), announced. */
export function FormError({
  error,
  testId = 'form-error',
}: {
  error: ErrorDescription | null;
  testId?: string;
}) {
  if (!error) return null;
  const quoteRequestId = error.requestId && !(error.code && SELF_EXPLANATORY.has(error.code));
  return (
    <div className="form-error" role="alert" data-testid={testId}>
      <p>{error.message}</p>
      {quoteRequestId && (
        <p className="form-error__meta">
          Request id <code>{error.requestId}</code>
        </p>
      )}
    </div>
  );
}
