/** The panel of a page that is not built yet: what it will do, without pretending to do it. */
export function ComingSoon({
  title,
  summary,
  capabilities,
}: {
  title: string;
  summary: string;
  capabilities: readonly string[];
}) {
  return (
    <>
      <title>{`${title} · Analytics Platform`}</title>
      <header className="page-header">
        <h1>{title}</h1>
      </header>
      <section className="panel panel--soon" data-testid="coming-soon" aria-labelledby="soon-title">
        <p className="eyebrow" id="soon-title">
          Coming in a later release
        </p>
        <p className="panel__lead">{summary}</p>
        <h2 className="panel__subtitle">What this page will do</h2>
        <ul className="capabilities">
          {capabilities.map((capability) => (
            <li key={capability}>{capability}</li>
          ))}
        </ul>
      </section>
    </>
  );
}
