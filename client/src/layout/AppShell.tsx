import { Link, NavLink, Outlet } from 'react-router';

export const NAV_ITEMS = [
  { to: '/datasets', label: 'Datasets' },
  { to: '/ask', label: 'Ask' },
  { to: '/models', label: 'Models' },
  { to: '/insights', label: 'Insights' },
  { to: '/dashboards', label: 'Dashboards' },
  { to: '/admin', label: 'Admin' },
] as const;

/** Header with the product name and the main navigation; each page renders into <main>. */
export function AppShell() {
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
              {NAV_ITEMS.map((item) => (
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
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
