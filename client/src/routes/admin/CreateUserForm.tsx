import { gql, type TypedDocumentNode } from '@apollo/client';
import { useMutation } from '@apollo/client/react';
import { useId, useRef, useState, type FormEvent } from 'react';
import { FormError } from '../../components/FormError';
import { describeError, type ErrorDescription } from '../../errors';
import { accessSummary, ROLES, ROLE_LABEL, TIERS, TIER_LABEL } from '../../roles';
import type { CreateUserInput, Role, Tier } from '../../schema-types';
import { USER_ROW_FRAGMENT, type UserRowUser } from './UserRow';

/** identity's rule for passwords (`CreateUserInput.password`). */
export const MIN_PASSWORD_LENGTH = 12;

type CreateUserMutation = {
  createUser: {
    __typename: 'User';
    id: string;
    email: string;
    role: Role;
    tier: Tier;
  } & { ' $fragmentRefs'?: { UserRow_user: UserRowUser } };
};
type CreateUserMutationVariables = { input: CreateUserInput };

const CREATE_USER_MUTATION: TypedDocumentNode<CreateUserMutation, CreateUserMutationVariables> =
  gql`
    mutation CreateUser($input: CreateUserInput!) {
      createUser(input: $input) {
        id
        email
        role
        tier
        ...UserRow_user
      }
    }
    ${USER_ROW_FRAGMENT}
  `;

export function useCreateUser() {
  return useMutation(CREATE_USER_MUTATION);
}

/**
 * A new account: email, password, role and tier. The platform's answer to a mistake (a duplicate
 * email, a short password) is shown under the form, and what was typed stays for correcting it.
 */
export function CreateUserForm({ onCreated }: { onCreated: () => Promise<unknown> }) {
  const titleId = useId();
  const fieldId = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const [createUser, { loading }] = useCreateUser();
  const [error, setError] = useState<ErrorDescription | null>(null);
  const [created, setCreated] = useState<string | null>(null);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const input: CreateUserInput = {
      email: String(form.get('email') ?? '').trim(),
      password: String(form.get('password') ?? ''),
      role: String(form.get('role')) as Role,
      tier: String(form.get('tier')) as Tier,
    };
    setError(null);
    setCreated(null);
    let user: CreateUserMutation['createUser'] | undefined;
    try {
      user = (await createUser({ variables: { input } })).data?.createUser;
    } catch (cause) {
      setError(describeError(cause));
      return;
    }
    formRef.current?.reset();
    if (user) setCreated(`Created ${user.email} (${accessSummary(user.role, user.tier)}).`);
    // The list is newest first, so its first page now starts with the new user. Refetching it
    // (rather than splicing an edge in) keeps the list exactly what the platform has.
    await onCreated().catch(() => undefined); // a failed refetch shows on the table itself
  };

  return (
    <section className="panel panel--form" aria-labelledby={titleId}>
      <h3 id={titleId} className="panel__title">
        Add a user
      </h3>
      <form
        ref={formRef}
        className="form form--inline"
        aria-labelledby={titleId}
        onSubmit={(event) => void onSubmit(event)}
      >
        <div className="field field--wide">
          <label className="field__label" htmlFor={`${fieldId}-email`}>
            Email
          </label>
          <input
            id={`${fieldId}-email`}
            className="input"
            name="email"
            type="email"
            autoComplete="off"
            required
          />
        </div>
        <div className="field field--wide">
          <label className="field__label" htmlFor={`${fieldId}-password`}>
            Password
          </label>
          <input
            id={`${fieldId}-password`}
            className="input"
            name="password"
            type="password"
            autoComplete="new-password"
            minLength={MIN_PASSWORD_LENGTH}
            required
            aria-describedby={`${fieldId}-password-hint`}
          />
          <span className="field__hint" id={`${fieldId}-password-hint`}>
            At least {MIN_PASSWORD_LENGTH} characters. Share it with the person safely.
          </span>
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${fieldId}-role`}>
            Role
          </label>
          <select id={`${fieldId}-role`} className="input" name="role" defaultValue="VIEWER">
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {ROLE_LABEL[role]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${fieldId}-tier`}>
            Tier
          </label>
          <select id={`${fieldId}-tier`} className="input" name="tier" defaultValue="FREE">
            {TIERS.map((tier) => (
              <option key={tier} value={tier}>
                {TIER_LABEL[tier]}
              </option>
            ))}
          </select>
        </div>
        <div className="field field--action">
          <button type="submit" className="button" disabled={loading}>
            {loading ? 'Creating…' : 'Create user'}
          </button>
        </div>
      </form>
      <FormError error={error} testId="create-user-error" />
      {created && (
        <p className="form-success" role="status" data-testid="create-user-done">
          {created}
        </p>
      )}
    </section>
  );
}
