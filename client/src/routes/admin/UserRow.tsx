import { gql, type FragmentType, type TypedDocumentNode } from '@apollo/client';
import { useFragment, useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { ConfirmButton } from '../../components/ConfirmButton';
import { RelativeTime } from '../../components/RelativeTime';
import { describeError, type ErrorDescription } from '../../errors';
import { formatDateTime } from '../../format';
import { ROLES, ROLE_LABEL, TIERS, TIER_LABEL } from '../../roles';
import type { DateTime, Role, Tier, UpdateUserInput } from '../../schema-types';

/** What one row of the users table renders. */
export type UserRowUser = {
  __typename: 'User';
  id: string;
  email: string;
  role: Role;
  tier: Tier;
  createdAt: DateTime;
  lastLoginAt: DateTime | null;
  disabledAt: DateTime | null;
} & { ' $fragmentName'?: 'UserRow_user' };

export const USER_ROW_FRAGMENT: TypedDocumentNode<UserRowUser> = gql`
  fragment UserRow_user on User {
    id
    email
    role
    tier
    createdAt
    lastLoginAt
    disabledAt
  }
`;

// Each mutation answers with the row's fragment: the normalized User in the cache is updated, and
// with it every place that shows this user. No list needs refetching.
type UserRowMutationResult = { __typename: 'User'; id: string } & {
  ' $fragmentRefs'?: { UserRow_user: UserRowUser };
};

type UpdateUserMutation = { updateUser: UserRowMutationResult };
type UpdateUserMutationVariables = { id: string; input: UpdateUserInput };

const UPDATE_USER_MUTATION: TypedDocumentNode<UpdateUserMutation, UpdateUserMutationVariables> =
  gql`
    mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {
      updateUser(id: $id, input: $input) {
        id
        ...UserRow_user
      }
    }
    ${USER_ROW_FRAGMENT}
  `;

type DisableUserMutation = { disableUser: UserRowMutationResult };
type EnableUserMutation = { enableUser: UserRowMutationResult };
type UserIdVariables = { id: string };

const DISABLE_USER_MUTATION: TypedDocumentNode<DisableUserMutation, UserIdVariables> = gql`
  mutation DisableUser($id: ID!) {
    disableUser(id: $id) {
      id
      ...UserRow_user
    }
  }
  ${USER_ROW_FRAGMENT}
`;

const ENABLE_USER_MUTATION: TypedDocumentNode<EnableUserMutation, UserIdVariables> = gql`
  mutation EnableUser($id: ID!) {
    enableUser(id: $id) {
      id
      ...UserRow_user
    }
  }
  ${USER_ROW_FRAGMENT}
`;

/** Changes a user's role or tier; the select shows the new value at once and reverts on error. */
export function useUpdateUser() {
  return useMutation(UPDATE_USER_MUTATION);
}

export function useDisableUser() {
  return useMutation(DISABLE_USER_MUTATION);
}

export function useEnableUser() {
  return useMutation(ENABLE_USER_MUTATION);
}

export function UserRow({
  user,
  isSelf,
  now,
}: {
  user: FragmentType<UserRowUser>;
  /** The signed-in admin's own row. */
  isSelf: boolean;
  now: Date;
}) {
  const [updateUser, update] = useUpdateUser();
  const [disableUser, disable] = useDisableUser();
  const [enableUser, enable] = useEnableUser();
  const [error, setError] = useState<ErrorDescription | null>(null);
  const { data, complete } = useFragment({
    fragment: USER_ROW_FRAGMENT,
    fragmentName: 'UserRow_user',
    from: user,
  });
  if (!complete) return null;

  const busy = update.loading || disable.loading || enable.loading;
  // Changing a user's role, tier or status ends that user's sessions; for one's own row that
  // would sign the admin out mid-task (or lock the last admin out), so another admin does it.
  const locked = isSelf || busy;
  const lockedReason = isSelf ? 'Another admin can change your own account.' : undefined;

  const run = async (mutate: () => Promise<unknown>) => {
    setError(null);
    try {
      await mutate();
    } catch (cause) {
      setError(describeError(cause));
    }
  };

  const change = (input: UpdateUserInput) =>
    void run(() =>
      updateUser({
        variables: { id: data.id, input },
        optimisticResponse: {
          updateUser: {
            ...data,
            role: input.role ?? data.role,
            tier: input.tier ?? data.tier,
          },
        },
      }),
    );

  return (
    <tr data-testid="user-row" data-user-id={data.id}>
      <th scope="row" className="cell-name" data-testid="user-email">
        {data.email}
        {isSelf && <span className="tag tag--self">you</span>}
      </th>
      <td>
        <select
          className="input input--compact"
          aria-label={`Role of ${data.email}`}
          value={data.role}
          disabled={locked}
          title={lockedReason}
          onChange={(event) => change({ role: event.target.value as Role })}
        >
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {ROLE_LABEL[role]}
            </option>
          ))}
        </select>
      </td>
      <td>
        <select
          className="input input--compact"
          aria-label={`Tier of ${data.email}`}
          value={data.tier}
          disabled={locked}
          title={lockedReason}
          onChange={(event) => change({ tier: event.target.value as Tier })}
        >
          {TIERS.map((tier) => (
            <option key={tier} value={tier}>
              {TIER_LABEL[tier]}
            </option>
          ))}
        </select>
      </td>
      <td className="cell-time">
        <RelativeTime iso={data.createdAt} now={now} />
      </td>
      <td className="cell-time">
        {data.lastLoginAt ? (
          <RelativeTime iso={data.lastLoginAt} now={now} />
        ) : (
          <span className="muted">Never</span>
        )}
      </td>
      <td>
        {data.disabledAt ? (
          <span
            className="badge badge--disabled"
            title={`Disabled ${formatDateTime(data.disabledAt)}`}
            data-testid="user-status"
          >
            Disabled
          </span>
        ) : (
          <span className="badge badge--active" data-testid="user-status">
            Active
          </span>
        )}
      </td>
      <td className="cell-actions">
        {data.disabledAt ? (
          <button
            type="button"
            className="button button--ghost button--small"
            onClick={() => void run(() => enableUser({ variables: { id: data.id } }))}
            disabled={locked}
            title={lockedReason}
          >
            {enable.loading ? 'Enabling…' : 'Enable'}
          </button>
        ) : (
          <ConfirmButton
            label="Disable"
            busyLabel="Disabling…"
            question={`Disable ${data.email}? They are signed out and can no longer sign in.`}
            confirmLabel="Yes, disable"
            onConfirm={() => void run(() => disableUser({ variables: { id: data.id } }))}
            busy={disable.loading}
            disabled={locked}
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
