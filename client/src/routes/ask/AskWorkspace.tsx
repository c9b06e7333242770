import { useQuery } from '@apollo/client/react';
import { useRef, useState } from 'react';
import { describeError } from '../../errors';
import { AnswerView } from './AnswerView';
import { answerSummary } from './answer-data';
import { AskErrorPanel } from './AskErrorPanel';
import { ASK_PAGE_HISTORY_QUERY, HISTORY_SIZE } from './ask-operations';
import { QueryHistory } from './QueryHistory';
import { QuestionForm } from './QuestionForm';
import { SqlEditor } from './SqlEditor';
import { Suggestions } from './Suggestions';
import { useAskSession } from './use-ask-session';

/**
 * Asking about one data set: the question box with suggestions, the answer region, and the history.
 * The page mounts one per data set (keyed by its id).
 */
export function AskWorkspace({ datasetId, canRunSql }: { datasetId: string; canRunSql: boolean }) {
  const { data, error, refetch } = useQuery(ASK_PAGE_HISTORY_QUERY, {
    variables: { datasetId, first: HISTORY_SIZE },
    fetchPolicy: 'cache-and-network',
    nextFetchPolicy: 'cache-first',
  });
  const session = useAskSession(datasetId);
  const [question, setQuestion] = useState('');
  const questionRef = useRef<HTMLTextAreaElement>(null);
  const busy = session.pending !== null;

  const ask = (text: string) => {
    setQuestion(text);
    void session.ask(text);
  };
  // A suggestion is a whole question (made from the columns), not a follow-up.
  const askSuggestion = (text: string) => {
    setQuestion(text);
    void session.ask(text, { fresh: true });
  };

  const answer = session.answer;
  let status = '';
  if (session.pending === 'ask') status = 'Asking…';
  else if (session.pending === 'run') status = 'Running the SQL…';
  else if (answer) status = answerSummary(answer);

  return (
    <div className="ask">
      <section className="panel ask__question" aria-label="Question">
        <QuestionForm
          value={question}
          onChange={setQuestion}
          onAsk={ask}
          asking={session.pending === 'ask'}
          followsUp={session.followsUp}
          onNewConversation={() => {
            session.newConversation();
            setQuestion('');
            questionRef.current?.focus();
          }}
          inputRef={questionRef}
        />
        <Suggestions
          title="Try one of these"
          questions={data?.askSuggestions ?? []}
          onAsk={askSuggestion}
          disabled={busy}
          testId="ask-suggestions"
        />
      </section>

      <section className="ask__answer" aria-labelledby="answer-title" aria-busy={busy}>
        <h2 id="answer-title" className="visually-hidden">
          Answer
        </h2>
        <p className="ask__status muted" role="status" aria-live="polite" data-testid="ask-status">
          {status}
        </p>
        {session.failure && <AskErrorPanel failure={session.failure} />}
        {answer ? (
          <AnswerView
            answer={answer}
            datasetId={datasetId}
            canRunSql={canRunSql}
            running={session.pending === 'run'}
            busy={busy}
            sqlRevision={session.draft?.revision ?? 0}
            onRunSql={(sql, original) => void session.runSql(sql, original)}
            onAsk={askSuggestion}
          />
        ) : (
          session.draft && (
            <article className="panel answer" data-testid="restored">
              <SqlEditor
                key={session.draft.revision}
                datasetId={datasetId}
                initialSql={session.draft.sql}
                canRun={canRunSql}
                running={session.pending === 'run'}
                onRun={(sql) => void session.runSql(sql, session.draft?.question ?? '')}
                fromHistory
              />
              {!canRunSql && (
                <p className="field__hint">Ask the question again to see its answer.</p>
              )}
            </article>
          )
        )}
      </section>

      <QueryHistory
        entries={data?.queryHistory}
        error={error ? describeError(error) : null}
        onRetry={() => void refetch().catch(() => undefined)}
        onRestore={(entry) => {
          session.restore(entry);
          setQuestion(entry.question);
          questionRef.current?.focus();
        }}
      />
    </div>
  );
}
