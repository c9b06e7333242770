import { gql, type TypedDocumentNode } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import type { ReactNode } from 'react';
import { NavLink, Outlet } from 'react-router';
import { ErrorPanel } from '../../components/ErrorPanel';
import { describeError } from '../../errors';
import type { Role } from '../../schema-types';
import { RoleRequired } from './RoleRequired';

type AdminLayoutQuery = { me: { __typename: 'User'; id: string; role: Role } };

/** The admin pages' own question: may this user see them? Answered from the shell's cache. */
const ADMIN_LAYOUT_QUERY: TypedDocumentNode<AdminLayoutQuery, Record<string, never>> = gql`
  query AdminLayout {
    me {
      id
      role
    }
  }
`;

const SECTIONS = [
  { to: 'users', label: 'Users' },
  { to: 'api-keys', label: 'API keys' },
  { to: 'audit', label: 'Audit trail' },
] as const;

/**
 * `/admin`: the heading, the section tabs (each a link, so every section has its own address) and
 * the section. The platform refuses admin fields to anyone else (FORBIDDEN); checking the role
 * here first means a non-admin reads why instead of watching requests fail.
 */
export function AdminLayout() {
  const { data, error } = useQuery(ADMIN_LAYOUT_QUERY);

  let body: ReactNode;
  if (data?.me.role === 'ADMIN') {
    body = (
      <>
        <nav className="tabs" aria-label="Admin sections">
          <ul className="tabs__list">
            {SECTIONS.map((section) => (
              <li key={section.to}>
                <NavLink
                  to={section.to}
                  className="tabs__link"
                  data-testid={`admin-tab-${section.to}`}
                >
                  {section.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <Outlet />
      </>
    );
  } else if (data) {
    body = <RoleRequired role={data.me.role} />;
  } else if (error) {
    body = <ErrorPanel error={describeError(error)} testId="admin-error" />;
  } else {
    body = (
      <p className="muted" role="status">
        Loading…
      </p>
    );
  }

  return (
    <>
      <title>Admin · Analytics Platform</title>
      <header className="page-header">
        <h1>Admin</h1>
        <p className="page-header__lead">
          Who can use the platform, the keys services use to call it, and what admins changed.
        </p>
      </header>
      {body}
    </>
  );
}
