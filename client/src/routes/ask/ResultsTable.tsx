import { useId, useMemo } from 'react';
import { formatCount } from '../../format';
import type { Json } from '../../schema-types';
import { cellText, isNumericType, rowCells } from './answer-data';
import type { ResultColumn } from './ask-operations';

/** The rows of an answer, numbers right-aligned; says when only the first rows are here. */
export function ResultsTable({
  columns,
  rows,
  truncated,
}: {
  columns: readonly ResultColumn[];
  rows: readonly Json[];
  truncated: boolean;
}) {
  const captionId = useId();
  const numeric = useMemo(() => columns.map((column) => isNumericType(column.type)), [columns]);
  const count = formatCount(rows.length) ?? String(rows.length);
  const summary =
    rows.length === 0
      ? 'The query returned no rows.'
      : truncated
        ? `Showing the first ${count} rows: more rows matched.`
        : `${count} ${rows.length === 1 ? 'row' : 'rows'}`;

  if (columns.length === 0) return null;
  return (
    <div className="results">
      <div
        className="table-scroll results__scroll"
        role="region"
        aria-labelledby={captionId}
        tabIndex={0}
      >
        <table className="table table--results" data-testid="results-table">
          <caption id={captionId} className="visually-hidden">
            Result of the query: {summary}
          </caption>
          <thead>
            <tr>
              {columns.map((column, i) => (
                <th
                  key={`${i}-${column.name}`}
                  scope="col"
                  className={numeric[i] ? 'num' : undefined}
                  title={column.type}
                >
                  {column.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, r) => (
              <tr key={r} data-testid="result-row">
                {rowCells(row, columns.length).map((cell, i) =>
                  cell === null ? (
                    <td key={i} className={numeric[i] ? 'num' : undefined}>
                      <span className="muted" title="No value (null)">
                        —<span className="visually-hidden">no value</span>
                      </span>
                    </td>
                  ) : (
                    <td key={i} className={numeric[i] ? 'num' : undefined}>
                      {cellText(cell, numeric[i] ?? false)}
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted results__count" data-testid="results-count">
        {summary}
      </p>
    </div>
  );
}
