import { useEffect, useState, type FormEvent } from 'react';
import { api, describeError, ok, type Schemas } from '../api/client';
import { useSession } from '../session';
import { ErrorMessage, Field } from '../components/ui';

const price = (p: Schemas['PaymentPackDto']) =>
  p.amount != null && p.currency
    ? new Intl.NumberFormat(undefined, { style: 'currency', currency: p.currency }).format(
        p.amount / 100,
      )
    : '';

/** Credits: Stripe Checkout for the configured packs; the dev purchase where the API allows it. */
export function BillingPage() {
  const { balance, refreshBalance } = useSession();
  const [packs, setPacks] = useState<Schemas['PaymentPackDto'][]>([]);
  const [devPurchase, setDevPurchase] = useState(true);
  const [credits, setCredits] = useState('100');
  const [error, setError] = useState<{ message: string; fields: Record<string, string> }>();
  const [notice, setNotice] = useState('');
  const [history, setHistory] = useState<Schemas['TransactionDto'][]>([]);

  const loadHistory = () =>
    api
      .GET('/api/v1/billing/transactions', { params: { query: { limit: 20 } } })
      .then((r) => setHistory(ok(r).items))
      .catch(() => undefined);

  useEffect(() => {
    api.GET('/api/v1/billing/packs').then((r) => {
      if (r.response.ok) setPacks(r.data ?? []);
    });
    void loadHistory();
  }, []);

  async function checkout(pack: string) {
    setError(undefined);
    try {
      window.location.assign(
        ok(await api.POST('/api/v1/billing/checkout', { body: { pack } })).url,
      );
    } catch (e) {
      setError(describeError(e));
    }
  }

  async function purchase(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    setNotice('');
    const res = await api.POST('/api/v1/billing/purchase', {
      body: { credits: Number(credits), paymentReference: `studio-${crypto.randomUUID()}` },
    });
    if (res.response.status === 404) return setDevPurchase(false);
    try {
      ok(res);
      setNotice(`${credits} credits added.`);
      await refreshBalance();
      await loadHistory();
    } catch (err) {
      setError(describeError(err));
    }
  }

  return (
    <section>
      <h1>Credits</h1>
      <p className="big">
        <strong>{balance?.credits ?? '…'}</strong> credits · licence {balance?.licenseType ?? '…'}
      </p>
      <ErrorMessage message={error?.message} />
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {packs.length > 0 && (
        <>
          <h2>Buy</h2>
          <ul className="cards">
            {packs.map((p) => (
              <li key={p.id} className="card">
                <h3>{p.name}</h3>
                <p>
                  {price(p)}
                  {p.interval ? ` / ${p.interval}` : ''}
                </p>
                <button type="button" onClick={() => void checkout(p.id)}>
                  {p.kind === 'licence' ? 'Subscribe' : 'Buy'} {p.name}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {devPurchase ? (
        <form className="card inline" onSubmit={purchase}>
          <h2>Add credits (development)</h2>
          <Field label="Credits" id="purchase-credits" error={error?.fields.credits}>
            <input
              id="purchase-credits"
              type="number"
              min={1}
              value={credits}
              onChange={(e) => setCredits(e.target.value)}
            />
          </Field>
          <button type="submit">Add credits</button>
        </form>
      ) : (
        packs.length === 0 && (
          <p className="muted">No credit packs are configured on this server.</p>
        )
      )}
      <h2>History</h2>
      <table>
        <thead>
          <tr>
            <th>When</th>
            <th>Type</th>
            <th>Credits</th>
          </tr>
        </thead>
        <tbody>
          {history.map((t) => (
            <tr key={t.id}>
              <td>{new Date(t.createdAt).toLocaleString()}</td>
              <td>{t.type}</td>
              <td>{t.amount}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
