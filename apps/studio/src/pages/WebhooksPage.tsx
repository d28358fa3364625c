import { useEffect, useState, type FormEvent } from 'react';
import { describeError } from '../api/client';
import { pending, WEBHOOK_EVENTS, type Webhook, type WebhookDelivery } from '../api/pending';
import { ErrorMessage, Field } from '../components/ui';

export function WebhooksPage() {
  const [hooks, setHooks] = useState<Webhook[]>([]);
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>(['job.completed']);
  const [secret, setSecret] = useState<string>();
  const [open, setOpen] = useState<string>();
  const [deliveries, setDeliveries] = useState<WebhookDelivery[]>([]);
  const [error, setError] = useState<{ message: string; fields: Record<string, string> }>();

  const load = () => pending.webhooks.list().then(setHooks);
  useEffect(() => {
    load().catch((e) => setError(describeError(e)));
  }, []);

  const attempt = (f: () => Promise<unknown>) => f().catch((e) => setError(describeError(e)));

  async function create(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    await attempt(async () => {
      const hook = await pending.webhooks.create({ url, events });
      setSecret(hook.secret);
      setUrl('');
      await load();
    });
  }

  const showDeliveries = (id: string) =>
    attempt(async () => {
      setOpen(id);
      setDeliveries(await pending.webhooks.deliveries(id));
    });

  return (
    <section>
      <h1>Webhooks</h1>
      <ErrorMessage message={error?.message} />
      {secret && (
        <div className="card notice" role="status">
          Signing secret (shown once): <code className="secret">{secret}</code>{' '}
          <button type="button" className="secondary" onClick={() => setSecret(undefined)}>
            Done
          </button>
        </div>
      )}
      <form className="card" onSubmit={create}>
        <h2>New endpoint</h2>
        <Field label="URL" id="hook-url" error={error?.fields.url}>
          <input
            id="hook-url"
            type="url"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="https://example.com/hooks"
          />
        </Field>
        <fieldset>
          <legend>Events</legend>
          {WEBHOOK_EVENTS.map((ev) => (
            <label key={ev} className="check">
              <input
                type="checkbox"
                checked={events.includes(ev)}
                onChange={(e) =>
                  setEvents(e.target.checked ? [...events, ev] : events.filter((x) => x !== ev))
                }
              />
              {ev}
            </label>
          ))}
        </fieldset>
        <button type="submit">Add endpoint</button>
      </form>
      <ul className="cards">
        {hooks.map((h) => (
          <li key={h.id} className="card">
            <h2 className="url">{h.url}</h2>
            <p className="muted">
              {h.events.join(', ')} · {h.enabled ? 'enabled' : 'disabled'}
              {h.disabledReason ? ` (${h.disabledReason})` : ''}
            </p>
            <div className="actions">
              <button
                type="button"
                className="secondary"
                onClick={() =>
                  void attempt(() =>
                    pending.webhooks.update(h.id, { enabled: !h.enabled }).then(load),
                  )
                }
              >
                {h.enabled ? 'Disable' : 'Enable'}
              </button>
              <button
                type="button"
                className="secondary"
                onClick={() =>
                  void attempt(async () =>
                    setSecret((await pending.webhooks.rotateSecret(h.id)).secret),
                  )
                }
              >
                New secret
              </button>
              <button type="button" className="secondary" onClick={() => void showDeliveries(h.id)}>
                Deliveries
              </button>
              <button
                type="button"
                className="danger"
                onClick={() => void attempt(() => pending.webhooks.remove(h.id).then(load))}
              >
                Delete
              </button>
            </div>
            {open === h.id && (
              <table>
                <thead>
                  <tr>
                    <th>Event</th>
                    <th>Status</th>
                    <th>Attempts</th>
                    <th>Last code</th>
                    <th>Next attempt</th>
                    <th>
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {deliveries.length === 0 && (
                    <tr>
                      <td colSpan={6}>No deliveries yet.</td>
                    </tr>
                  )}
                  {deliveries.map((d) => (
                    <tr key={d.id}>
                      <td>{d.event}</td>
                      <td>{d.status}</td>
                      <td>{d.attempts}</td>
                      <td>{d.lastStatusCode ?? d.lastError ?? '–'}</td>
                      <td>{d.nextAttemptAt ? new Date(d.nextAttemptAt).toLocaleString() : '–'}</td>
                      <td>
                        <button
                          type="button"
                          className="secondary"
                          onClick={() =>
                            void attempt(() =>
                              pending.webhooks.retry(h.id, d.id).then(() => showDeliveries(h.id)),
                            )
                          }
                        >
                          Retry
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
