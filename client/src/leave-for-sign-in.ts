/**
 * What the app does when the platform says the session is gone (UNAUTHENTICATED): open the sign-in
 * page, remembering where the user was, and forget every piece of data the old session fetched.
 */
import type { ApolloClient } from '@apollo/client';
import { CURRENT_USER_QUERY } from './layout/AppShell';
import type { AppRouter } from './router';
import { SIGN_IN_PATH, signInPath } from './sign-in-redirect';

// Several queries of one page fail together; the first one leads, the others find it under way.
let leaving = false;

export async function leaveForSignIn(router: AppRouter, client: ApolloClient): Promise<void> {
  const { pathname, search, hash } = router.state.location;
  // The sign-in page asks `me` to learn whether someone is already signed in; "no" is expected.
  if (leaving || pathname === SIGN_IN_PATH) return;
  leaving = true;
  try {
    // A user already in the cache means this tab had a session that has now ended; without one,
    // this is a first visit (or a reload after the session ended) and "expired" would be a guess.
    const hadSession = client.readQuery({ query: CURRENT_USER_QUERY }) !== null;
    await router.navigate(
      signInPath({ reason: hadSession ? 'expired' : 'required', next: pathname + search + hash }),
      // The page just left cannot be shown without a session: Back should not return to it.
      { replace: true },
    );
    // Only after the signed-in pages are gone: cleared while they were on screen, their queries
    // would ask again, without a session.
    await client.clearStore();
  } finally {
    leaving = false;
  }
}
