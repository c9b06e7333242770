import { gql, type FragmentType, type TypedDocumentNode } from '@apollo/client';
import { useFragment } from '@apollo/client/react';
import { formatDateTime } from '../../format';
import type { DateTime } from '../../schema-types';
import { detailEntries } from './audit-details';

/** What one row of the audit trail renders. */
export type AuditEventRowEvent = {
  __typename: 'AuditEvent';
  id: string;
  at: DateTime;
  actor: { __typename: 'User'; id: string; email: string } | null;
  action: string;
  targetType: string;
  targetId: string | null;
  details: string;
  requestId: string | null;
} & { ' $fragmentName'?: 'AuditEventRow_event' };

export const AUDIT_EVENT_ROW_FRAGMENT: TypedDocumentNode<AuditEventRowEvent> = gql`
  fragment AuditEventRow_event on AuditEvent {
    id
    at
    actor {
      id
      email
    }
    action
    targetType
    targetId
    details
    requestId
  }
`;

function Details({ details }: { details: string }) {
  const entries = detailEntries(details);
  if (entries === null) return <code className="audit-details__raw">{details}</code>;
  if (entries.length === 0) return <span className="muted">—</span>;
  return (
    <dl className="audit-details">
      {entries.map((entry) => (
        <div key={entry.key}>
          <dt>{entry.key}</dt>
          <dd>{entry.value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function AuditEventRow({ event }: { event: FragmentType<AuditEventRowEvent> }) {
  const { data, complete } = useFragment({
    fragment: AUDIT_EVENT_ROW_FRAGMENT,
    fragmentName: 'AuditEventRow_event',
    from: event,
  });
  if (!complete) return null;

  return (
    <tr data-testid="audit-event-row" data-audit-event-id={data.id}>
      <td className="cell-time">
        <time
          dateTime={data.at}
          title={data.requestId ? `Request id ${data.requestId}` : undefined}
        >
          {formatDateTime(data.at)}
        </time>
      </td>
      <td className="cell-actor">
        {data.actor ? (
          <>
            <span>{data.actor.email}</span>
            <code className="cell-id">{data.actor.id}</code>
          </>
        ) : (
          <span className="muted" title="Done by the platform itself">
            System
          </span>
        )}
      </td>
      <th scope="row" className="cell-action">
        <code>{data.action}</code>
      </th>
      <td className="cell-target">
        <span className="tag">{data.targetType}</span>
        {data.targetId && <code className="cell-id">{data.targetId}</code>}
      </td>
      <td className="cell-details">
        <Details details={data.details} />
      </td>
    </tr>
  );
}
