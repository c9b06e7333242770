import { gql, type FragmentType, type TypedDocumentNode } from '@apollo/client';
import { useFragment, useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { ConfirmButton } from '../../components/ConfirmButton';
import { RelativeTime } from '../../components/RelativeTime';
import { describeError, type ErrorDescription } from '../../errors';
import { formatDateTime } from '../../format';
import { ROLE_LABEL } from '../../roles';
import type { DateTime, Role } from '../../schema-types';

/** What one row of the API keys table renders (never the secret: the platform has only a hash). */
export type ApiKeyRowApiKey = {
  __typename: 'ApiKey';
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdAt: DateTime;
  createdBy: { __typename: 'User'; id: string; email: string };
  lastUsedAt: DateTime | null;
  revokedAt: DateTime | null;
} & { ' $fragmentName'?: 'ApiKeyRow_apiKey' };

export const API_KEY_ROW_FRAGMENT: TypedDocumentNode<ApiKeyRowApiKey> = gql`
  fragment ApiKeyRow_apiKey on ApiKey {
    id
    name
    role
    prefix
    createdAt
    createdBy {
      id
      email
    }
    lastUsedAt
    revokedAt
  }
`;

type RevokeApiKeyMutation = {
  revokeApiKey: { __typename: 'ApiKey'; id: string } & {
    ' $fragmentRefs'?: { ApiKeyRow_apiKey: ApiKeyRowApiKey };
  };
};
type RevokeApiKeyMutationVariables = { id: string };

const REVOKE_API_KEY_MUTATION: TypedDocumentNode<
  RevokeApiKeyMutation,
  RevokeApiKeyMutationVariables
> = gql`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      id
      ...ApiKeyRow_apiKey
    }
  }
  ${API_KEY_ROW_FRAGMENT}
`;

/**
 * Revokes a key. The answer updates the normalized ApiKey, so the row turns "Revoked" in place;
 * it stays in a list that hides revoked keys until that list is next fetched, which shows the
 * admin what just happened.
 */
export function useRevokeApiKey() {
  return useMutation(REVOKE_API_KEY_MUTATION);
}

export function ApiKeyRow({ apiKey, now }: { apiKey: FragmentType<ApiKeyRowApiKey>; now: Date }) {
  const [revokeApiKey, { loading }] = useRevokeApiKey();
  const [error, setError] = useState<ErrorDescription | null>(null);
  const { data, complete } = useFragment({
    fragment: API_KEY_ROW_FRAGMENT,
    fragmentName: 'ApiKeyRow_apiKey',
    from: apiKey,
  });
  if (!complete) return null;

  const revoke = async () => {
    setError(null);
    try {
      await revokeApiKey({ variables: { id: data.id } });
    } catch (cause) {
      setError(describeError(cause));
    }
  };

  return (
    <tr data-testid="api-key-row" data-api-key-id={data.id}>
      <th scope="row" className="cell-name" data-testid="api-key-name">
        {data.name}
      </th>
      <td>{ROLE_LABEL[data.role] ?? data.role}</td>
      <td>
        <code className="key-prefix" title="The first characters of the secret">
          {data.prefix}…
        </code>
      </td>
      <td className="cell-owner">{data.createdBy.email}</td>
      <td className="cell-time">
        <RelativeTime iso={data.createdAt} now={now} />
      </td>
      <td className="cell-time">
        {data.lastUsedAt ? (
          <RelativeTime iso={data.lastUsedAt} now={now} />
        ) : (
          <span className="muted">Never</span>
        )}
      </td>
      <td>
        {data.revokedAt ? (
          <span className="badge badge--disabled" title={formatDateTime(data.revokedAt)}>
            Revoked <RelativeTime iso={data.revokedAt} now={now} />
          </span>
        ) : (
          <span className="muted">No</span>
        )}
      </td>
      <td className="cell-actions">
        {!data.revokedAt && (
          <ConfirmButton
            label="Revoke"
            busyLabel="Revoking…"
            question={`Revoke “${data.name}”? Calls with it fail from now on.`}
            confirmLabel="Yes, revoke"
            onConfirm={() => void revoke()}
            busy={loading}
          />
        )}
        {error && (
          <p className="cell-error" role="alert">
            {error.message}
          </p>
        )}
      </td>
    </tr>
  );
}
