import { gql, type TypedDocumentNode } from '@apollo/client';
import { useMutation } from '@apollo/client/react';
import { useId, useRef, useState, type FormEvent } from 'react';
import { FormError } from '../../components/FormError';
import { OneTimeSecret } from '../../components/OneTimeSecret';
import { describeError, type ErrorDescription } from '../../errors';
import { ROLES, ROLE_LABEL } from '../../roles';
import type { CreateApiKeyInput, Role } from '../../schema-types';
import { API_KEY_ROW_FRAGMENT, type ApiKeyRowApiKey } from './ApiKeyRow';

/** identity's limit for `CreateApiKeyInput.name`. */
export const MAX_KEY_NAME_LENGTH = 100;

type CreateApiKeyMutation = {
  createApiKey: {
    __typename: 'CreatedApiKey';
    secret: string;
    apiKey: { __typename: 'ApiKey'; id: string; name: string; role: Role } & {
      ' $fragmentRefs'?: { ApiKeyRow_apiKey: ApiKeyRowApiKey };
    };
  };
};
type CreateApiKeyMutationVariables = { input: CreateApiKeyInput };

const CREATE_API_KEY_MUTATION: TypedDocumentNode<
  CreateApiKeyMutation,
  CreateApiKeyMutationVariables
> = gql`
  mutation CreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      secret
      apiKey {
        id
        name
        role
        ...ApiKeyRow_apiKey
      }
    }
  }
  ${API_KEY_ROW_FRAGMENT}
`;

export function useCreateApiKey() {
  return useMutation(CREATE_API_KEY_MUTATION);
}

interface NewKey {
  name: string;
  role: Role;
  secret: string;
}

/**
 * A new key: a name and a role, then its secret, once. The secret is kept only in this component's
 * state (not in the cache: `CreatedApiKey` has no id, and Apollo drops mutation root fields after
 * writing them) and is gone when the admin confirms they stored it or leaves the page.
 */
export function CreateApiKeyForm({ onCreated }: { onCreated: () => Promise<unknown> }) {
  const titleId = useId();
  const fieldId = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const [createApiKey, { loading, reset }] = useCreateApiKey();
  const [error, setError] = useState<ErrorDescription | null>(null);
  const [newKey, setNewKey] = useState<NewKey | null>(null);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const input: CreateApiKeyInput = {
      name: String(form.get('name') ?? '').trim(),
      role: String(form.get('role')) as Role,
    };
    setError(null);
    setNewKey(null);
    let created: CreateApiKeyMutation['createApiKey'] | undefined;
    try {
      created = (await createApiKey({ variables: { input } })).data?.createApiKey;
    } catch (cause) {
      setError(describeError(cause));
      return;
    }
    // The hook's own copy of the answer would keep the secret for as long as the page is open.
    reset();
    formRef.current?.reset();
    if (created) {
      setNewKey({ name: created.apiKey.name, role: created.apiKey.role, secret: created.secret });
    }
    await onCreated().catch(() => undefined); // a failed refetch shows on the table itself
  };

  return (
    <section className="panel panel--form" aria-labelledby={titleId}>
      <h3 id={titleId} className="panel__title">
        Create an API key
      </h3>
      <form
        ref={formRef}
        className="form form--inline"
        aria-labelledby={titleId}
        onSubmit={(event) => void onSubmit(event)}
      >
        <div className="field field--wide">
          <label className="field__label" htmlFor={`${fieldId}-name`}>
            Name
          </label>
          <input
            id={`${fieldId}-name`}
            className="input"
            name="name"
            type="text"
            autoComplete="off"
            maxLength={MAX_KEY_NAME_LENGTH}
            placeholder="nightly export"
            required
          />
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
        <div className="field field--action">
          <button type="submit" className="button" disabled={loading}>
            {loading ? 'Creating…' : 'Create key'}
          </button>
        </div>
      </form>
      <FormError error={error} testId="create-api-key-error" />
      {newKey && (
        <OneTimeSecret
          title={`The secret of “${newKey.name}”`}
          secret={newKey.secret}
          onDone={() => setNewKey(null)}
        >
          Anyone who has it can call the API with the {ROLE_LABEL[newKey.role].toLowerCase()} role:
          send it as <code>Authorization: ApiKey &lt;secret&gt;</code>.
        </OneTimeSecret>
      )}
    </section>
  );
}
