import { useMemo } from 'react';
import { formatCount } from '../../../format';
import type { DatasetStatus } from '../../../schema-types';
import { columnChart } from './profile-charts';
import type { ColumnProfile, DataProfile, Severity } from './profile-types';
import { VegaChart } from './VegaChart';

const SEVERITY_TONE: Record<Severity, string> = {
  LOW: 'pending',
  MEDIUM: 'processing',
  HIGH: 'failed',
};
const ISSUE_LABEL: Record<string, string> = {
  HIGH_NULLS: 'Many missing values',
  DUPLICATES: 'Duplicate rows',
  OUTLIERS: 'Outliers',
  CONSTANT_COLUMN: 'Constant column',
  MIXED_TYPES: 'Mixed types',
  RAGGED_ROWS: 'Ragged rows',
};

const number = new Intl.NumberFormat(undefined, { maximumSignificantDigits: 6 });
const show = (value: number | string | null) =>
  value === null ? '—' : typeof value === 'number' ? number.format(value) : value;

/** The data set's profile: quality score, issues, and each column's statistics and chart. */
export function ProfileSection({
  profile,
  status,
}: {
  profile: DataProfile | null;
  status: DatasetStatus;
}) {
  if (!profile) {
    return (
      <section className="panel" aria-labelledby="profile-title" data-testid="profile-pending">
        <h2 id="profile-title">Profile</h2>
        <p className="muted">
          {status === 'FAILED'
            ? 'There is no profile: processing failed.'
            : 'The profile appears here as soon as processing completes.'}
        </p>
      </section>
    );
  }
  const score = Math.round(profile.qualityScore * 100);
  return (
    <section className="profile" aria-labelledby="profile-title" data-testid="profile">
      <h2 id="profile-title">Profile</h2>
      <div className="panel profile__summary">
        <div className="profile__score" data-testid="quality-score">
          <span className="profile__score-value">{score}</span>
          <span className="muted"> / 100 quality</span>
          <meter min={0} max={100} low={60} high={85} optimum={100} value={score} />
        </div>
        <p className="muted">
          {formatCount(profile.rowCount)} rows, {formatCount(profile.columnCount)} columns,{' '}
          {formatCount(profile.duplicateRows)} duplicate rows (version {profile.version})
        </p>
      </div>
      <h3>Issues</h3>
      {profile.issues.length === 0 ? (
        <p className="muted" data-testid="profile-no-issues">
          No issue found.
        </p>
      ) : (
        <ul className="issue-list" data-testid="profile-issues">
          {profile.issues.map((issue, i) => (
            <li key={i} data-issue-type={issue.type}>
              <span className={`badge badge--${SEVERITY_TONE[issue.severity]}`}>
                {issue.severity.toLowerCase()}
              </span>{' '}
              <strong>{ISSUE_LABEL[issue.type] ?? issue.type}</strong>
              {issue.column && (
                <>
                  {' '}
                  in <code>{issue.column}</code>
                </>
              )}
              : {issue.description}
            </li>
          ))}
        </ul>
      )}
      <h3>Columns</h3>
      <div className="table-scroll">
        <table className="table" data-testid="profile-columns">
          <thead>
            <tr>
              <th scope="col">Column</th>
              <th scope="col">Type</th>
              <th scope="col">Missing</th>
              <th scope="col">Unique</th>
              <th scope="col">Min</th>
              <th scope="col">Max</th>
              <th scope="col">Mean</th>
              <th scope="col">Std dev</th>
              <th scope="col">Quartiles</th>
            </tr>
          </thead>
          <tbody>
            {profile.columns.map((c) => (
              <tr key={c.name} data-column={c.name}>
                <th scope="row">{c.name}</th>
                <td data-testid="column-type">{c.dataType}</td>
                <td>
                  {formatCount(c.nullCount)} ({number.format(c.nullPercentage)} %)
                </td>
                <td>{formatCount(c.uniqueCount)}</td>
                <td>{show(c.min)}</td>
                <td>{show(c.max)}</td>
                <td>{show(c.mean)}</td>
                <td>{show(c.stdDev)}</td>
                <td>{c.quartiles ? c.quartiles.map(show).join(' · ') : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>Distributions</h3>
      <div className="chart-grid">
        {profile.columns.slice(0, MAX_CHARTS).map((c) => (
          <ColumnChart key={c.name} column={c} />
        ))}
      </div>
      {profile.columns.length > MAX_CHARTS && (
        <p className="muted">
          Charts of the first {MAX_CHARTS} of {profile.columns.length} columns.
        </p>
      )}
    </section>
  );
}

/** Charts drawn at most (a wide data set would otherwise draw thousands). */
const MAX_CHARTS = 60;

function ColumnChart({ column }: { column: ColumnProfile }) {
  const spec = useMemo(() => columnChart(column), [column]);
  if (!spec) return null;
  return (
    <figure className="chart-card" data-column={column.name}>
      <figcaption>
        {column.name}
        {column.sampled || column.topValuesApproximate ? (
          <span className="muted"> (approximate)</span>
        ) : null}
      </figcaption>
      <VegaChart spec={spec} label={String(spec.description)} />
    </figure>
  );
}
