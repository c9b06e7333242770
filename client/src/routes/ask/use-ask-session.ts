/**
 * One data set's questions and answers on the Ask page: the answer shown, the SQL in the editor,
 * the failure, and the conversation that makes the next question a follow-up. The page mounts one
 * session per data set (keyed by its id), so choosing another data set starts afresh and a late
 * answer about the previous one lands nowhere.
 */
import { useApolloClient } from '@apollo/client/react';
import { useRef, useState } from 'react';
import { describeAskFailure, type AskFailure } from './ask-errors';
import { useAsk, useRunSql, type Answer } from './ask-operations';
import { putFirstInHistory } from './history-cache';

/** What the SQL editor holds: the answer's SQL, or a history entry's put back. */
export interface SqlDraft {
  sql: string;
  /** The question the SQL answers: sent with "Run edited SQL" for the history. */
  question: string;
  /** Changes with every new draft, so the editor starts from it (its key). */
  revision: number;
}

export interface AskSession {
  answer: Answer | null;
  draft: SqlDraft | null;
  failure: AskFailure | null;
  /** 'ask' while a question is out, 'run' while edited SQL runs. */
  pending: 'ask' | 'run' | null;
  /** Set after an answer: the next question is read as a follow-up of `followsUp`. */
  conversationId: string | null;
  followsUp: string | null;
  /**
   * Asks `question`: a follow-up of the conversation, unless `fresh` (a suggestion is a whole
   * question of its own, made from the columns, and starts a conversation).
   */
  ask: (question: string, options?: { fresh?: boolean }) => Promise<void>;
  runSql: (sql: string, question: string) => Promise<void>;
  newConversation: () => void;
  restore: (entry: { question: string; sql: string }) => void;
}

export function useAskSession(datasetId: string): AskSession {
  const cache = useApolloClient().cache;
  const [askMutation] = useAsk();
  const [runSqlMutation] = useRunSql();
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [draft, setDraft] = useState<SqlDraft | null>(null);
  const [failure, setFailure] = useState<AskFailure | null>(null);
  const [pending, setPending] = useState<'ask' | 'run' | null>(null);
  const [conversation, setConversation] = useState<{ id: string; question: string } | null>(null);
  // Only the latest request's outcome is shown (a question asked while SQL runs, say).
  const latest = useRef(0);
  const revision = useRef(0);

  const show = (next: Answer) => {
    setAnswer(next);
    setFailure(null);
    setDraft(
      next.sql
        ? {
            sql: next.sql,
            question: next.understoodAs ?? next.question,
            revision: ++revision.current,
          }
        : null,
    );
  };

  async function request(kind: 'ask' | 'run', send: () => Promise<Answer | undefined>) {
    const id = ++latest.current;
    setPending(kind);
    setFailure(null);
    try {
      const next = await send();
      // In the history even when no longer shown (the person moved on while it ran).
      if (next?.savedQuery) putFirstInHistory(cache, datasetId, next.savedQuery.id);
      if (id !== latest.current) return;
      if (next) show(next);
      return next;
    } catch (cause) {
      if (id === latest.current) setFailure(describeAskFailure(cause));
      return undefined;
    } finally {
      if (id === latest.current) setPending(null);
    }
  }

  return {
    answer,
    draft,
    failure,
    pending,
    conversationId: conversation?.id ?? null,
    followsUp: conversation?.question ?? null,
    ask: async (question, { fresh = false } = {}) => {
      const conversationId = fresh ? null : (conversation?.id ?? null);
      const next = await request('ask', async () => {
        const { data } = await askMutation({ variables: { datasetId, question, conversationId } });
        return data?.ask;
      });
      // A refusal continues nothing: the platform remembers answered questions only.
      if (next?.status === 'ANSWERED') {
        setConversation({ id: next.conversationId, question: next.understoodAs ?? next.question });
      } else if (next && fresh) {
        setConversation(null);
      }
    },
    runSql: async (sql, question) => {
      await request('run', async () => {
        const { data } = await runSqlMutation({
          variables: { datasetId, sql, question: question || null },
        });
        return data?.runSql;
      });
    },
    newConversation: () => {
      latest.current += 1;
      setConversation(null);
      setAnswer(null);
      setDraft(null);
      setFailure(null);
      setPending(null);
    },
    restore: ({ question, sql }) => {
      latest.current += 1;
      setPending(null);
      setAnswer(null);
      setFailure(null);
      setDraft({ sql, question, revision: ++revision.current });
    },
  };
}
