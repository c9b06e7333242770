/**
 * The GraphQL of the Ask page: its queries (the viewer and the chosen data set, the caller's data
 * sets, a data set's suggestions and history), the fragments its components render, and one hook
 * per mutation (`ask`, `runSql`, `verifyAnswer`) plus `validateSql`, which is a query used as an
 * action. Types are written by hand in GraphQL Code Generator's shape (see `schema-types.ts`).
 */
import { gql, type TypedDocumentNode } from '@apollo/client';
import { useApolloClient, useMutation } from '@apollo/client/react';
import { useCallback } from 'react';
import type { AnswerStatus, DatasetStatus, DateTime, Json, Role } from '../../schema-types';

/** Entries of the history shown under the answer (`queryHistory(first:)`). */
export const HISTORY_SIZE = 20;

/** Data sets offered in the picker: the caller's newest (`datasets(first:)` allows 100). */
export const PICKER_SIZE = 100;

// ---- Fragments ----

/** One entry of the history: what `HistoryItem` renders. */
export type HistoryItemSavedQuery = {
  __typename: 'SavedQuery';
  id: string;
  question: string;
  generatedSql: string;
  explanation: string;
  rowCount: number | null;
  executionTimeMs: number | null;
  engine: string;
  verified: boolean;
  createdAt: DateTime;
} & { ' $fragmentName'?: 'HistoryItem_savedQuery' };

export const HISTORY_ITEM_FRAGMENT: TypedDocumentNode<HistoryItemSavedQuery> = gql`
  fragment HistoryItem_savedQuery on SavedQuery {
    id
    question
    generatedSql
    explanation
    rowCount
    executionTimeMs
    engine
    verified
    createdAt
  }
`;

type SavedQueryRef = { __typename: 'SavedQuery'; id: string } & {
  ' $fragmentRefs'?: { HistoryItem_savedQuery: HistoryItemSavedQuery };
};

export interface ResultColumn {
  __typename?: 'ResultColumn';
  name: string;
  /** The warehouse's type name: BIGINT, DOUBLE, DECIMAL(18,3), VARCHAR, DATE, ... */
  type: string;
}

/** An answer as `AnswerView` renders it (`fragment AnswerView_answer`, unmasked: no id). */
export interface Answer {
  __typename: 'Answer';
  status: AnswerStatus;
  question: string;
  understoodAs: string | null;
  sql: string | null;
  columns: ResultColumn[];
  /** Each row an array of values in column order. */
  rows: Json[];
  rowCount: number;
  truncated: boolean;
  explanation: string | null;
  executionTimeMs: number | null;
  cached: boolean;
  stale: boolean;
  engine: string;
  engineNote: string | null;
  /** A Vega-Lite spec over the result's column names, without data. */
  chart: Json | null;
  conversationId: string;
  reason: string | null;
  suggestions: string[];
  /** The history entry this answer made (ANSWERED); its fields are HistoryItem's. */
  savedQuery: SavedQueryRef | null;
}

/**
 * Spread with `@unmask` into `ask` and `runSql`: an Answer has no id for useFragment to find it by,
 * so the page passes it down whole. Its `savedQuery` stays masked: the history renders it.
 */
export const ANSWER_VIEW_FRAGMENT = gql`
  fragment AnswerView_answer on Answer {
    status
    question
    understoodAs
    sql
    columns {
      name
      type
    }
    rows
    rowCount
    truncated
    explanation
    executionTimeMs
    cached
    stale
    engine
    engineNote
    chart
    conversationId
    reason
    suggestions
    savedQuery {
      id
      ...HistoryItem_savedQuery
    }
  }
  ${HISTORY_ITEM_FRAGMENT}
`;

// ---- Queries ----

export interface PickerDataset {
  __typename: 'Dataset';
  id: string;
  name: string;
  status: DatasetStatus;
}

type AskPageQuery = { me: { __typename: 'User'; id: string; role: Role } };

/** Who asks: the role decides whether SQL can be edited and run. */
export const ASK_PAGE_QUERY: TypedDocumentNode<AskPageQuery, Record<string, never>> = gql`
  query AskPage {
    me {
      id
      role
    }
  }
`;

type AskPageDatasetQuery = { dataset: PickerDataset | null };
type AskPageDatasetQueryVariables = { id: string };

/**
 * The data set of `?dataset=` when it is not among the caller's ready ones: another user's (an
 * admin may ask about it), one still processing, or none at all.
 */
export const ASK_PAGE_DATASET_QUERY: TypedDocumentNode<
  AskPageDatasetQuery,
  AskPageDatasetQueryVariables
> = gql`
  query AskPageDataset($id: ID!) {
    dataset(id: $id) {
      id
      name
      status
    }
  }
`;

type AskPageDatasetsQuery = {
  datasets: {
    __typename: 'DatasetConnection';
    edges: Array<{ __typename: 'DatasetEdge'; node: PickerDataset }>;
    pageInfo: { __typename: 'PageInfo'; hasNextPage: boolean };
  };
};
type AskPageDatasetsQueryVariables = { ownerId: string; first: number };

/**
 * The caller's own data sets for the picker (the page keeps the READY ones). Filtered by owner, so
 * it is a list of its own in the cache (`keyArgs: ['ownerId']`), not the Datasets page's.
 */
export const ASK_PAGE_DATASETS_QUERY: TypedDocumentNode<
  AskPageDatasetsQuery,
  AskPageDatasetsQueryVariables
> = gql`
  query AskPageDatasets($ownerId: ID!, $first: Int!) {
    datasets(first: $first, ownerId: $ownerId) {
      edges {
        node {
          id
          name
          status
        }
      }
      pageInfo {
        hasNextPage
      }
    }
  }
`;

export type AskPageHistoryQuery = {
  askSuggestions: string[];
  queryHistory: Array<SavedQueryRef>;
};
export type AskPageHistoryQueryVariables = { datasetId: string; first: number };

/** For the chosen data set: questions to start from, and the caller's own, newest first. */
export const ASK_PAGE_HISTORY_QUERY: TypedDocumentNode<
  AskPageHistoryQuery,
  AskPageHistoryQueryVariables
> = gql`
  query AskPageHistory($datasetId: ID!, $first: Int!) {
    askSuggestions(datasetId: $datasetId)
    queryHistory(datasetId: $datasetId, first: $first) {
      id
      ...HistoryItem_savedQuery
    }
  }
  ${HISTORY_ITEM_FRAGMENT}
`;

export interface SqlCheck {
  __typename: 'SqlCheck';
  valid: boolean;
  errors: string[];
}

type ValidateSqlQuery = { validateSql: SqlCheck };
type ValidateSqlQueryVariables = { datasetId: string; sql: string };

const VALIDATE_SQL_QUERY: TypedDocumentNode<ValidateSqlQuery, ValidateSqlQueryVariables> = gql`
  query ValidateSql($datasetId: ID!, $sql: String!) {
    validateSql(datasetId: $datasetId, sql: $sql) {
      valid
      errors
    }
  }
`;

/**
 * "Check SQL": the platform's checks without running anything. A query used as an action, so it
 * is sent each time (never answered from the cache) and its answer is not kept.
 */
export function useValidateSql(): (datasetId: string, sql: string) => Promise<SqlCheck> {
  const client = useApolloClient();
  return useCallback(
    async (datasetId, sql) => {
      const { data } = await client.query({
        query: VALIDATE_SQL_QUERY,
        variables: { datasetId, sql },
        fetchPolicy: 'no-cache',
      });
      if (!data) throw new Error('validateSql answered without data');
      return data.validateSql;
    },
    [client],
  );
}

// ---- Mutations ----

type AskMutation = { ask: Answer };
type AskMutationVariables = { datasetId: string; question: string; conversationId?: string | null };

const ASK_MUTATION: TypedDocumentNode<AskMutation, AskMutationVariables> = gql`
  mutation Ask($datasetId: ID!, $question: String!, $conversationId: ID) {
    ask(datasetId: $datasetId, question: $question, conversationId: $conversationId) {
      ...AnswerView_answer @unmask
    }
  }
  ${ANSWER_VIEW_FRAGMENT}
`;

/** A question in plain language; with the last answer's `conversationId`, a follow-up. */
export function useAsk() {
  return useMutation(ASK_MUTATION);
}

type RunSqlMutation = { runSql: Answer };
type RunSqlMutationVariables = { datasetId: string; sql: string; question?: string | null };

const RUN_SQL_MUTATION: TypedDocumentNode<RunSqlMutation, RunSqlMutationVariables> = gql`
  mutation RunSql($datasetId: ID!, $sql: String!, $question: String) {
    runSql(datasetId: $datasetId, sql: $sql, question: $question) {
      ...AnswerView_answer @unmask
    }
  }
  ${ANSWER_VIEW_FRAGMENT}
`;

/**
 * SQL edited by hand (analysts), checked like generated SQL; refused with BAD_USER_INPUT and
 * `details.errors` when it cannot run.
 */
export function useRunSql() {
  return useMutation(RUN_SQL_MUTATION);
}

type VerifyAnswerMutation = {
  verifyAnswer: { __typename: 'SavedQuery'; id: string; verified: boolean };
};
type VerifyAnswerMutationVariables = { id: string; verified: boolean };

const VERIFY_ANSWER_MUTATION: TypedDocumentNode<
  VerifyAnswerMutation,
  VerifyAnswerMutationVariables
> = gql`
  mutation VerifyAnswer($id: ID!, $verified: Boolean!) {
    verifyAnswer(id: $id, verified: $verified) {
      id
      verified
    }
  }
`;

/** Marks a history entry as verified (or not); the normalized entry updates wherever it shows. */
export function useVerifyAnswer() {
  return useMutation(VERIFY_ANSWER_MUTATION);
}
