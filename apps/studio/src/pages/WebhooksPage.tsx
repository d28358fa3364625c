import { useEffect, useState, type FormEvent } from 'react';
import { api, describeError, ok, type Schemas } from '../api/client';
import { ErrorMessage, Field } from '../components/ui';

type Webhook = Schemas['WebhookDto'];
type WebhookEvent = Webhook['events'][number];
const WEBHOOK_EVENTS: WebhookEvent[] = [
  'job.completed',
  'job.failed',
  'job.cancelled',
  'output.ready',
];
const path = (id: string) => ({ params: { path: { id } } });

export function WebhooksPage() {
  const [hooks, setHooks] = useState<Webhook[]>([]);
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEvent[]>(['job.completed']);
  const [secret, setSecret] = useState<string>();
  const [open, setOpen] = useState<string>();
  const [deliveries, setDeliveries] = useState<Schemas['WebhookDeliveryDto'][]>([]);
  const [error, setError] = useState<{ message: string; fields: Record<string, string> }>();

  const load = () => api.GET('/api/v1/webhooks').then(ok).then(setHooks);
  useEffect(() => {
    load().catch((e) => setError(describeError(e)));
  }, []);

  const attempt = (f: () => Promise<unknown>) => f().catch((e) => setError(describeError(e)));

  async function create(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    await attempt(async () => {
      const hook = ok(await api.POST('/api/v1/webhooks', { body: { url, events } }));
      setSecret(hook.secret);
      setUrl('');
      await load();
    });
  }

  const showDeliveries = (id: string) =>
    attempt(async () => {
      setOpen(id);
      setDeliveries(ok(await api.GET('/api/v1/webhooks/{id}/deliveries', path(id))).items);
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
                    api
                      .PATCH('/api/v1/webhooks/{id}', {
                        ...path(h.id),
                        body: { enabled: !h.enabled },
                      })
                      .then(ok)
                      .then(load),
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
                    setSecret(
                      ok(await api.POST('/api/v1/webhooks/{id}/rotate-secret', path(h.id))).secret,
                    ),
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
                onClick={() =>
                  void attempt(() =>
                    api.DELETE('/api/v1/webhooks/{id}', path(h.id)).then(ok).then(load),
                  )
                }
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
                              api
                                .POST('/api/v1/webhooks/{id}/deliveries/{deliveryId}/retry', {
                                  params: { path: { id: h.id, deliveryId: d.id } },
                                })
                                .then(ok)
                                .then(() => showDeliveries(h.id)),
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
