import { gql, NetworkStatus, type TypedDocumentNode } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { ConnectionFooter } from '../../components/ConnectionFooter';
import { ErrorPanel } from '../../components/ErrorPanel';
import { FormError } from '../../components/FormError';
import { describeError, isForbidden, type ErrorDescription } from '../../errors';
import type { AuditFilter } from '../../schema-types';
import { useLoadMore } from '../../use-load-more';
import { AdminTable, EmptyRow, SkeletonRows, type Column } from './AdminTable';
import { toAuditFilter } from './audit-filter';
import { AUDIT_EVENT_ROW_FRAGMENT, AuditEventRow, type AuditEventRowEvent } from './AuditEventRow';
import { RoleRequired } from './RoleRequired';

export const AUDIT_PAGE_SIZE = 50;

type AdminAuditPageQuery = {
  auditEvents: {
    __typename: 'AuditEventConnection';
    edges: Array<{
      __typename: 'AuditEventEdge';
      cursor: string;
      node: { __typename: 'AuditEvent'; id: string } & {
        ' $fragmentRefs'?: { AuditEventRow_event: AuditEventRowEvent };
      };
    }>;
    pageInfo: { __typename: 'PageInfo'; hasNextPage: boolean; endCursor: string | null };
  };
};

type AdminAuditPageQueryVariables = {
  first: number;
  after?: string | null;
  filter?: AuditFilter | null;
};

/** Admin › Audit trail: what admins (and the platform) changed, newest first, filtered. */
const ADMIN_AUDIT_PAGE_QUERY: TypedDocumentNode<AdminAuditPageQuery, AdminAuditPageQueryVariables> =
  gql`
    query AdminAuditPage($first: Int!, $after: String, $filter: AuditFilter) {
      auditEvents(first: $first, after: $after, filter: $filter) {
        edges {
          cursor
          node {
            id
            ...AuditEventRow_event
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
    ${AUDIT_EVENT_ROW_FRAGMENT}
  `;

const COLUMNS: readonly Column[] = [
  { label: 'Time' },
  { label: 'Actor' },
  { label: 'Action' },
  { label: 'Target' },
  { label: 'Details' },
];

function Filters({ onApply }: { onApply: (filter: AuditFilter | null) => void }) {
  const fieldId = useId();
  const titleId = useId();
  const [error, setError] = useState<ErrorDescription | null>(null);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '');
    const result = toAuditFilter({
      action: text('action'),
      actorId: text('actorId'),
      targetId: text('targetId'),
      from: text('from'),
      to: text('to'),
    });
    if (!result.ok) {
      setError({ title: 'Check the filters', message: result.message });
      return;
    }
    setError(null);
    onApply(result.filter);
  };

  return (
    <section className="panel panel--form" aria-labelledby={titleId}>
      <h3 id={titleId} className="panel__title">
        Filter
      </h3>
      <form
        className="form form--inline"
        aria-labelledby={titleId}
        onSubmit={onSubmit}
        onReset={() => {
          setError(null);
          onApply(null);
        }}
      >
        <div className="field">
          <label className="field__label" htmlFor={`${fieldId}-action`}>
            Action
          </label>
          <input
            id={`${fieldId}-action`}
            className="input"
            name="action"
            placeholder="user.create"
            autoComplete="off"
            aria-describedby={`${fieldId}-action-hint`}
          />
          <span className="field__hint" id={`${fieldId}-action-hint`}>
            Exact name
          </span>
        </div>
        <div className="field field--wide">
          <label className="field__label" htmlFor={`${fieldId}-actor`}>
            Actor id
          </label>
          <input
            id={`${fieldId}-actor`}
            className="input input--mono"
            name="actorId"
            autoComplete="off"
          />
        </div>
        <div className="field field--wide">
          <label className="field__label" htmlFor={`${fieldId}-target`}>
            Target id
          </label>
          <input
            id={`${fieldId}-target`}
            className="input input--mono"
            name="targetId"
            autoComplete="off"
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${fieldId}-from`}>
            From
          </label>
          <input id={`${fieldId}-from`} className="input" name="from" type="date" />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${fieldId}-to`}>
            To
          </label>
          <input id={`${fieldId}-to`} className="input" name="to" type="date" />
        </div>
        <div className="field field--action field--wide">
          <div className="button-row">
            <button type="submit" className="button">
              Apply filters
            </button>
            <button type="reset" className="button button--ghost">
              Clear
            </button>
          </div>
        </div>
      </form>
      <FormError error={error} testId="audit-filter-error" />
    </section>
  );
}

export function AuditPage() {
  const [filter, setFilter] = useState<AuditFilter | null>(null);
  // cache-and-network: opening the tab always asks again, so changes made on the other tabs since
  // the last visit are there.
  const { data, error, networkStatus, fetchMore, refetch } = useQuery(ADMIN_AUDIT_PAGE_QUERY, {
    variables: { first: AUDIT_PAGE_SIZE, filter },
    fetchPolicy: 'cache-and-network',
    nextFetchPolicy: 'cache-first',
    notifyOnNetworkStatusChange: true,
  });
  const connection = data?.auditEvents;
  const endCursor = connection?.pageInfo.endCursor;
  const more = useLoadMore(endCursor ? () => fetchMore({ variables: { after: endCursor } }) : null);

  let table: ReactNode;
  if (connection) {
    table = (
      <>
        <AdminTable caption="Audit trail, newest first" columns={COLUMNS} testId="audit-table">
          {connection.edges.length === 0 ? (
            <EmptyRow columns={COLUMNS}>
              {filter ? 'No events match these filters.' : 'Nothing has been recorded yet.'}
            </EmptyRow>
          ) : (
            connection.edges.map((edge) => <AuditEventRow key={edge.node.id} event={edge.node} />)
          )}
        </AdminTable>
        <ConnectionFooter
          shown={connection.edges.length}
          noun={['event', 'events']}
          hasNextPage={connection.pageInfo.hasNextPage}
          loading={networkStatus === NetworkStatus.fetchMore}
          onLoadMore={more.loadMore}
          error={more.error}
          testId="audit"
        />
      </>
    );
  } else if (error && isForbidden(error)) {
    table = <RoleRequired />;
  } else if (error) {
    // A filter the platform refuses (an id that is not one, say) is answered here, under the form.
    table = (
      <ErrorPanel error={describeError(error)} testId="audit-error">
        <button
          type="button"
          className="button"
          onClick={() => void refetch().catch(() => undefined)}
        >
          Try again
        </button>
      </ErrorPanel>
    );
  } else {
    table = (
      <AdminTable caption="Audit trail, loading" columns={COLUMNS} testId="audit-loading" busy>
        <SkeletonRows columns={COLUMNS} />
      </AdminTable>
    );
  }

  return (
    <section className="admin-section" aria-labelledby="admin-audit-title">
      <title>Audit trail · Admin · Analytics Platform</title>
      <h2 id="admin-audit-title">Audit trail</h2>
      <p className="admin-section__lead">
        Every administrative change, newest first: who made it, to what, and what changed. Passwords
        and secrets are never recorded.
      </p>
      <Filters onApply={setFilter} />
      {table}
    </section>
  );
}
