import { formatDuration } from '../../format';
import { AnswerChart } from './AnswerChart';
import type { Answer } from './ask-operations';
import { ResultsTable } from './ResultsTable';
import { SqlEditor } from './SqlEditor';
import { Suggestions } from './Suggestions';

export const STALE_NOTE = 'Served from an older copy: the warehouse was slow or unavailable.';

const ENGINE_LABEL: Record<string, string> = {
  builtin: 'Built-in engine',
  edited: 'SQL edited by hand',
};

/** Which engine wrote the SQL, whether the result came from the cache, and how long it took. */
function AnswerFacts({ answer }: { answer: Answer }) {
  return (
    <div className="answer__facts">
      <ul className="answer__badges" aria-label="About this answer">
        <li>
          <span className="badge badge--info" data-testid="answer-engine">
            {ENGINE_LABEL[answer.engine] ?? answer.engine}
          </span>
        </li>
        {answer.cached && !answer.stale && (
          <li>
            <span className="badge badge--ready" data-testid="answer-cached">
              From the cache
            </span>
          </li>
        )}
        {answer.stale && (
          <li>
            <span className="badge badge--warn" title={STALE_NOTE} data-testid="answer-stale">
              Older copy
            </span>
          </li>
        )}
      </ul>
      {answer.executionTimeMs !== null && (
        <span className="muted" data-testid="answer-time">
          Ran in {formatDuration(answer.executionTimeMs)}
        </span>
      )}
    </div>
  );
}

/**
 * An answer: what the question was understood as, the explanation, the SQL (editable by analysts),
 * the suggested chart and the rows; or, when the question cannot be answered from the data set,
 * why, and questions that can.
 */
export function AnswerView({
  answer,
  datasetId,
  canRunSql,
  running,
  busy,
  sqlRevision,
  onRunSql,
  onAsk,
}: {
  answer: Answer;
  datasetId: string;
  canRunSql: boolean;
  running: boolean;
  /** A question or SQL is out: suggestions wait. */
  busy: boolean;
  sqlRevision: number;
  onRunSql: (sql: string, question: string) => void;
  /** Asks one of the suggestions of a refusal. */
  onAsk: (question: string) => void;
}) {
  if (answer.status === 'CANNOT_ANSWER') {
    return (
      <article className="panel answer answer--refused" data-testid="cannot-answer">
        <h3 className="answer__title">
          <q data-testid="answer-question">{answer.question}</q> cannot be answered from this data
          set
        </h3>
        <p data-testid="cannot-answer-reason">{answer.reason ?? 'The engine gave no reason.'}</p>
        {answer.engineNote && (
          <p className="notice" data-testid="answer-engine-note">
            {answer.engineNote}
          </p>
        )}
        <Suggestions
          title="Questions it can answer"
          questions={answer.suggestions}
          onAsk={onAsk}
          disabled={busy}
          testId="cannot-answer-suggestions"
        />
      </article>
    );
  }

  const question = answer.understoodAs ?? answer.question;
  return (
    <article className="panel answer" data-testid="answer">
      <h3 className="answer__title" data-testid="answer-question">
        {answer.question}
      </h3>
      {answer.understoodAs && (
        <p className="answer__understood" data-testid="understood-as">
          Understood as: <q>{answer.understoodAs}</q>
        </p>
      )}
      <AnswerFacts answer={answer} />
      {answer.stale && (
        <p className="notice notice--warn" data-testid="answer-stale-note">
          {STALE_NOTE}
        </p>
      )}
      {answer.engineNote && (
        <p className="notice" data-testid="answer-engine-note">
          {answer.engineNote}
        </p>
      )}
      {answer.explanation && (
        <p className="answer__explanation" data-testid="answer-explanation">
          {answer.explanation}
        </p>
      )}
      {answer.sql !== null && (
        <SqlEditor
          key={sqlRevision}
          datasetId={datasetId}
          initialSql={answer.sql}
          canRun={canRunSql}
          running={running}
          onRun={(sql) => onRunSql(sql, question)}
        />
      )}
      <AnswerChart answer={answer} />
      <ResultsTable columns={answer.columns} rows={answer.rows} truncated={answer.truncated} />
      <div className="answer__actions">
        <button
          type="button"
          className="button button--ghost"
          disabled
          title="Dashboards come in a later release."
          aria-describedby="save-to-dashboard-note"
          data-testid="save-to-dashboard"
        >
          Save to dashboard
        </button>
        <span id="save-to-dashboard-note" className="field__hint">
          Dashboards come in a later release.
        </span>
      </div>
    </article>
  );
}
