import { useId, type ReactNode } from 'react';

export interface Column {
  label: string;
  /** A header only screen readers need (the actions column). */
  hidden?: boolean;
}

/** The table of an admin section: scrolls sideways on small screens, captioned for screen readers. */
export function AdminTable({
  caption,
  columns,
  testId,
  busy = false,
  children,
}: {
  caption: string;
  columns: readonly Column[];
  testId: string;
  busy?: boolean;
  children: ReactNode;
}) {
  const captionId = useId();
  return (
    <div
      className="table-scroll"
      role="region"
      aria-labelledby={captionId}
      tabIndex={0}
      aria-busy={busy}
    >
      <table className="table table--admin" data-testid={testId}>
        <caption id={captionId} className="visually-hidden">
          {caption}
        </caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.label} scope="col">
                {column.hidden ? (
                  <span className="visually-hidden">{column.label}</span>
                ) : (
                  column.label
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** Placeholder rows while the first page loads. */
export function SkeletonRows({ columns, rows = 4 }: { columns: readonly Column[]; rows?: number }) {
  return Array.from({ length: rows }, (_, row) => (
    <tr key={row} className="skeleton-row" aria-hidden="true">
      {columns.map((column) => (
        <td key={column.label}>
          <span className="skeleton" />
        </td>
      ))}
    </tr>
  ));
}

/** One full-width row that says why the table is empty. */
export function EmptyRow({
  columns,
  children,
}: {
  columns: readonly Column[];
  children: ReactNode;
}) {
  return (
    <tr>
      <td colSpan={columns.length} className="cell-empty">
        {children}
      </td>
    </tr>
  );
}
