import { useId, useState } from 'react';
import { FormError } from '../../components/FormError';
import { describeError, type ErrorDescription } from '../../errors';
import { useValidateSql, type SqlCheck } from './ask-operations';

type Check =
  | { state: 'idle' }
  | { state: 'checking' }
  | { state: 'done'; result: SqlCheck }
  | { state: 'failed'; error: ErrorDescription };

/** Lines shown without scrolling: the SQL's own, within bounds. */
const rowsFor = (sql: string) => Math.min(16, Math.max(4, sql.split('\n').length + 1));

/**
 * The SQL of an answer, in a monospace box: analysts edit it and "Run edited SQL" (checked by the
 * platform before it runs); viewers read it. Anyone may "Check SQL" without running it.
 */
export function SqlEditor({
  datasetId,
  initialSql,
  canRun,
  running,
  onRun,
  fromHistory = false,
}: {
  datasetId: string;
  initialSql: string;
  canRun: boolean;
  running: boolean;
  onRun: (sql: string) => void;
  fromHistory?: boolean;
}) {
  const id = useId();
  const validateSql = useValidateSql();
  const [sql, setSql] = useState(initialSql);
  const [check, setCheck] = useState<Check>({ state: 'idle' });
  const edited = sql !== initialSql;

  const onCheck = async () => {
    setCheck({ state: 'checking' });
    try {
      setCheck({ state: 'done', result: await validateSql(datasetId, sql) });
    } catch (cause) {
      setCheck({ state: 'failed', error: describeError(cause) });
    }
  };

  return (
    <div className="sql-editor" data-testid="sql-editor">
      <div className="field">
        <label htmlFor={`${id}-sql`} className="field__label">
          SQL{fromHistory ? ' (from your history)' : ''}
          {edited && <span className="tag sql-editor__edited">edited</span>}
        </label>
        <textarea
          id={`${id}-sql`}
          className="input input--mono sql-editor__text"
          value={sql}
          onChange={(event) => {
            setSql(event.target.value);
            setCheck({ state: 'idle' });
          }}
          readOnly={!canRun}
          rows={rowsFor(sql)}
          spellCheck={false}
          autoCapitalize="off"
          autoCorrect="off"
          aria-describedby={`${id}-hint`}
          data-testid="answer-sql"
        />
        <span id={`${id}-hint`} className="field__hint">
          {canRun
            ? 'You can edit the SQL: it is checked again before it runs (one read-only SELECT over the table data).'
            : 'Read-only: running SQL you edited needs the analyst role.'}
        </span>
      </div>
      <div className="button-row">
        <button
          type="button"
          className="button button--ghost button--small"
          onClick={() => void onCheck()}
          disabled={check.state === 'checking' || sql.trim() === ''}
          data-testid="check-sql"
        >
          {check.state === 'checking' ? 'Checking…' : 'Check SQL'}
        </button>
        {canRun && (
          <button
            type="button"
            className="button button--small"
            onClick={() => onRun(sql)}
            disabled={running || sql.trim() === ''}
            data-testid="run-sql"
          >
            {running ? 'Running…' : 'Run edited SQL'}
          </button>
        )}
      </div>
      <div role="status" data-testid="sql-check">
        {check.state === 'done' &&
          (check.result.valid ? (
            <p className="form-success">The SQL passes the checks.</p>
          ) : (
            <div className="form-error">
              <p>The SQL would not run:</p>
              <ul className="sql-editor__errors" data-testid="sql-check-errors">
                {check.result.errors.map((error) => (
                  <li key={error}>{error}</li>
                ))}
              </ul>
            </div>
          ))}
      </div>
      {check.state === 'failed' && <FormError error={check.error} testId="sql-check-error" />}
    </div>
  );
}
