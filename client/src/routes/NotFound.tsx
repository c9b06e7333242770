import { Link, useLocation } from 'react-router';

export function NotFound() {
  const { pathname } = useLocation();
  return (
    <>
      <title>Page not found · Analytics Platform</title>
      <section className="panel panel--centered" data-testid="not-found">
        <p className="eyebrow">404</p>
        <h1>Page not found</h1>
        <p className="panel__message">
          There is no page at <code>{pathname}</code>.
        </p>
        <div className="panel__actions">
          <Link className="button" to="/datasets">
            Go to Datasets
          </Link>
        </div>
      </section>
    </>
  );
}
