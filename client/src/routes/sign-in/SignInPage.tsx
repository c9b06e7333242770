import { gql, type TypedDocumentNode } from '@apollo/client';
import { useApolloClient, useQuery } from '@apollo/client/react';
import { useId, useRef, useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { signIn } from '../../auth';
import { FormError } from '../../components/FormError';
import type { ErrorDescription } from '../../errors';
import { reasonMessage, safeNextPath } from '../../sign-in-redirect';

type SignInPageQuery = { me: { __typename: 'User'; id: string } };

/**
 * "Is someone signed in already?" The cookie is HttpOnly, so asking is the only way to know. A user
 * means the form is not needed; UNAUTHENTICATED (the usual answer here) just leaves the form.
 */
const SIGN_IN_PAGE_QUERY: TypedDocumentNode<SignInPageQuery, Record<string, never>> = gql`
  query SignInPage {
    me {
      id
    }
  }
`;

/** Email and password; on success, back to where the user was going (`next`) or home. */
export function SignInPage() {
  const [params] = useSearchParams();
  const next = safeNextPath(params.get('next'));
  const notice = reasonMessage(params.get('reason'));
  const navigate = useNavigate();
  const client = useApolloClient();
  const titleId = useId();
  const passwordRef = useRef<HTMLInputElement>(null);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<ErrorDescription | null>(null);
  // Always the server's answer: a cached user may belong to a session that has just ended.
  const { data } = useQuery(SIGN_IN_PAGE_QUERY, { fetchPolicy: 'network-only' });

  if (data?.me) return <Navigate to={next} replace />;

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    setSubmitting(true);
    setError(null);
    const result = await signIn(email, password);
    if (!result.ok) {
      setError(result.error);
      setSubmitting(false);
      passwordRef.current?.select();
      return;
    }
    // Nothing cached may outlive the session it was fetched with (another user may have used
    // this browser before): start the signed-in pages from an empty cache.
    await client.clearStore();
    await navigate(next, { replace: true });
  };

  return (
    <main id="main" className="auth">
      <title>Sign in · Analytics Platform</title>
      <section className="auth__card" aria-labelledby={titleId}>
        <div className="brand auth__brand">
          <svg className="brand__mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
            <rect width="32" height="32" rx="8" />
            <path d="M9 22V13M16 22V9M23 22v-6" />
          </svg>
          <span className="brand__name">Analytics Platform</span>
        </div>
        <h1 id={titleId}>Sign in</h1>
        {/* Why the page opened; once an attempt failed, its error is the news instead. */}
        {notice && !error && (
          <p className="notice" role="status" data-testid="sign-in-notice">
            {notice}
          </p>
        )}
        <form className="form" aria-labelledby={titleId} onSubmit={(event) => void onSubmit(event)}>
          <div className="field">
            <label className="field__label" htmlFor="sign-in-email">
              Email
            </label>
            <input
              id="sign-in-email"
              className="input"
              name="email"
              type="email"
              autoComplete="username"
              required
              autoFocus
            />
          </div>
          <div className="field">
            <label className="field__label" htmlFor="sign-in-password">
              Password
            </label>
            <input
              ref={passwordRef}
              id="sign-in-password"
              className="input"
              name="password"
              type="password"
              autoComplete="current-password"
              required
            />
          </div>
          <FormError error={error} testId="sign-in-error" />
          <button type="submit" className="button button--block" disabled={submitting}>
            {submitting ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </section>
    </main>
  );
}
