import { gql, type TypedDocumentNode } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import type { ReactNode } from 'react';
import { Link, NavLink, Outlet } from 'react-router';
import { ErrorPanel } from '../components/ErrorPanel';
import { describeError, isUnauthenticated } from '../errors';
import type { Role } from '../schema-types';
import { USER_MENU_FRAGMENT, UserMenu, type UserMenuUser } from './UserMenu';

interface NavItem {
  to: string;
  label: string;
  /** Shown only to admins; the page itself also says so to anyone else who opens it. */
  adminOnly?: boolean;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { to: '/datasets', label: 'Datasets' },
  { to: '/ask', label: 'Ask' },
  { to: '/models', label: 'Models' },
  { to: '/insights', label: 'Insights' },
  { to: '/dashboards', label: 'Dashboards' },
  { to: '/admin', label: 'Admin', adminOnly: true },
];

export type CurrentUserQuery = {
  me: { __typename: 'User'; id: string; role: Role } & {
    ' $fragmentRefs'?: { UserMenu_user: UserMenuUser };
  };
};

/**
 * The shell's query: who is signed in. Every page needs a session, so the shell asks first and
 * renders the page only once the answer is a user; without a session the answer is UNAUTHENTICATED
 * and the client's error link opens the sign-in page.
 */
export const CURRENT_USER_QUERY: TypedDocumentNode<CurrentUserQuery, Record<string, never>> = gql`
  query CurrentUser {
    me {
      id
      role
      ...UserMenu_user
    }
  }
  ${USER_MENU_FRAGMENT}
`;

/** Header with the product name, the main navigation and the user menu; pages render in <main>. */
export function AppShell() {
  const { data, error, refetch } = useQuery(CURRENT_USER_QUERY);
  const me = data?.me;

  let content: ReactNode;
  if (me) {
    content = <Outlet />;
  } else if (error && isUnauthenticated(error)) {
    content = (
      <p className="muted" role="status" data-testid="session-ended">
        You are not signed in. Opening the sign-in page…
      </p>
    );
  } else if (error) {
    content = (
      <ErrorPanel error={describeError(error)} headingLevel={1} testId="session-error">
        <button
          type="button"
          className="button"
          onClick={() => void refetch().catch(() => undefined)}
        >
          Try again
        </button>
      </ErrorPanel>
    );
  } else {
    content = (
      <p className="muted" role="status" data-testid="session-loading">
        Checking your session…
      </p>
    );
  }

  const items = NAV_ITEMS.filter((item) => !item.adminOnly || me?.role === 'ADMIN');

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar__inner">
          <Link to="/datasets" className="brand" aria-label="Analytics Platform, home">
            <svg className="brand__mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
              <rect width="32" height="32" rx="8" />
              <path d="M9 22V13M16 22V9M23 22v-6" />
            </svg>
            <span className="brand__name">Analytics Platform</span>
          </Link>
          <nav className="nav" aria-label="Main">
            <ul className="nav__list">
              {items.map((item) => (
                <li key={item.to}>
                  <NavLink
                    to={item.to}
                    className="nav__link"
                    data-testid={`nav-${item.label.toLowerCase()}`}
                  >
                    {item.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
          {me && <UserMenu user={me} />}
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        {content}
      </main>
    </div>
  );
}
