import { gql, type FragmentType, type TypedDocumentNode } from '@apollo/client';
import { useApolloClient, useFragment } from '@apollo/client/react';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { signOut } from '../auth';
import type { ErrorDescription } from '../errors';
import { accessSummary } from '../roles';
import type { Role, Tier } from '../schema-types';
import { signInPath } from '../sign-in-redirect';

/** Who is signed in, as the header shows it. */
export type UserMenuUser = {
  __typename: 'User';
  id: string;
  email: string;
  role: Role;
  tier: Tier;
} & { ' $fragmentName'?: 'UserMenu_user' };

export const USER_MENU_FRAGMENT: TypedDocumentNode<UserMenuUser> = gql`
  fragment UserMenu_user on User {
    id
    email
    role
    tier
  }
`;

/** The signed-in user's email, role and plan, and the way out. */
export function UserMenu({ user }: { user: FragmentType<UserMenuUser> }) {
  const client = useApolloClient();
  const navigate = useNavigate();
  const [signingOut, setSigningOut] = useState(false);
  const [error, setError] = useState<ErrorDescription | null>(null);
  const { data, complete } = useFragment({
    fragment: USER_MENU_FRAGMENT,
    fragmentName: 'UserMenu_user',
    from: user,
  });
  if (!complete) return null;

  const onSignOut = async () => {
    setSigningOut(true);
    setError(null);
    const result = await signOut();
    if (!result.ok) {
      setError(result.error);
      setSigningOut(false);
      return;
    }
    // Leave the signed-in pages first, then forget their data: cleared while they were still on
    // screen, their queries would ask again without a session.
    await navigate(signInPath({ reason: 'signed-out' }), { replace: true });
    await client.clearStore();
  };

  return (
    <div className="user-menu" role="group" aria-label="Your account" data-testid="user-menu">
      <div className="user-menu__who">
        <span className="user-menu__email" data-testid="user-email">
          {data.email}
        </span>
        <span className="user-menu__access" data-testid="user-access">
          {accessSummary(data.role, data.tier)}
        </span>
      </div>
      <button
        type="button"
        className="button button--ghost button--small"
        onClick={() => void onSignOut()}
        disabled={signingOut}
      >
        {signingOut ? 'Signing out…' : 'Sign out'}
      </button>
      {error && (
        <p className="user-menu__error" role="alert">
          Could not sign out: {error.message}
        </p>
      )}
    </div>
  );
}
