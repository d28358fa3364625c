import { useEffect, useState, type FormEvent } from 'react';
import { api, describeError, ok, type Schemas } from '../api/client';
import { ErrorMessage, Field } from '../components/ui';

const SCOPES = ['read', 'write', 'jobs', 'billing'] as const;
type Scope = (typeof SCOPES)[number];

export function ApiKeysPage() {
  const [keys, setKeys] = useState<Schemas['ApiKeyDto'][]>([]);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['read']);
  const [created, setCreated] = useState<Schemas['CreatedApiKeyDto']>();
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<{ message: string; fields: Record<string, string> }>();

  const load = () => api.GET('/api/v1/api-keys').then((r) => setKeys(ok(r)));
  useEffect(() => {
    load().catch((e) => setError(describeError(e)));
  }, []);

  async function create(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    try {
      setCreated(ok(await api.POST('/api/v1/api-keys', { body: { name, scopes } })));
      setCopied(false);
      setName('');
      await load();
    } catch (err) {
      setError(describeError(err));
    }
  }

  async function revoke(id: string) {
    try {
      ok(await api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id } } }));
      await load();
    } catch (err) {
      setError(describeError(err));
    }
  }

  return (
    <section>
      <h1>API keys</h1>
      <ErrorMessage message={error?.message} />
      {created && (
        <div className="card notice" role="status">
          <p>
            Your new key <strong>{created.name}</strong>: copy it now, it is not shown again.
          </p>
          <code className="secret" data-testid="new-key">
            {created.key}
          </code>{' '}
          <button
            type="button"
            onClick={() =>
              void navigator.clipboard?.writeText(created.key).then(
                () => setCopied(true),
                () => undefined,
              )
            }
          >
            {copied ? 'Copied' : 'Copy'}
          </button>{' '}
          <button type="button" className="secondary" onClick={() => setCreated(undefined)}>
            Done
          </button>
        </div>
      )}
      <form className="card" onSubmit={create}>
        <h2>New key</h2>
        <Field label="Name" id="key-name" error={error?.fields.name}>
          <input id="key-name" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <fieldset>
          <legend>Scopes</legend>
          {SCOPES.map((s) => (
            <label key={s} className="check">
              <input
                type="checkbox"
                checked={scopes.includes(s)}
                onChange={(e) =>
                  setScopes(e.target.checked ? [...scopes, s] : scopes.filter((x) => x !== s))
                }
              />
              {s}
            </label>
          ))}
          {error?.fields.scopes && <small className="error">{error.fields.scopes}</small>}
        </fieldset>
        <button type="submit">Create key</button>
      </form>
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Prefix</th>
            <th>Scopes</th>
            <th>Last used</th>
            <th>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.id}>
              <td>{k.name}</td>
              <td>
                <code>{k.prefix}</code>
              </td>
              <td>{k.scopes.join(', ')}</td>
              <td>
                {k.revokedAt
                  ? 'revoked'
                  : k.lastUsedAt
                    ? new Date(k.lastUsedAt).toLocaleString()
                    : 'never'}
              </td>
              <td>
                {!k.revokedAt && (
                  <button type="button" className="danger" onClick={() => void revoke(k.id)}>
                    Revoke<span className="sr-only"> {k.name}</span>
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
