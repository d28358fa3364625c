import { useState, type FormEvent } from 'react';
import { api, describeError, ok } from '../api/client';
import { Link } from '../router';
import { useSession } from '../session';
import { ErrorMessage, Field } from '../components/ui';

export function AuthPage({ mode }: { mode: 'signin' | 'signup' }) {
  const { signIn } = useSession();
  const [form, setForm] = useState({ email: '', password: '', firstName: '', lastName: '' });
  const [error, setError] = useState<{ message: string; fields: Record<string, string> }>();
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [k]: e.target.value });

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const token =
        mode === 'signup'
          ? ok(await api.POST('/api/v1/auth/register', { body: form })).accessToken
          : ok(
              await api.POST('/api/v1/auth/login', {
                body: { email: form.email, password: form.password },
              }),
            ).accessToken;
      await signIn(token);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  const title = mode === 'signup' ? 'Create your account' : 'Sign in';
  return (
    <form className="card narrow" onSubmit={submit} noValidate>
      <h1>{title}</h1>
      <p className="muted">Video Mixer Pro Studio: groups of clips in, finished videos out.</p>
      <ErrorMessage message={error?.message} />
      {mode === 'signup' && (
        <div className="row">
          <Field label="First name" id="firstName" error={error?.fields.firstName}>
            <input
              id="firstName"
              value={form.firstName}
              onChange={set('firstName')}
              required
              autoComplete="given-name"
            />
          </Field>
          <Field label="Last name" id="lastName" error={error?.fields.lastName}>
            <input
              id="lastName"
              value={form.lastName}
              onChange={set('lastName')}
              required
              autoComplete="family-name"
            />
          </Field>
        </div>
      )}
      <Field label="Email" id="email" error={error?.fields.email}>
        <input
          id="email"
          type="email"
          value={form.email}
          onChange={set('email')}
          required
          autoComplete="email"
        />
      </Field>
      <Field
        label="Password"
        id="password"
        error={error?.fields.password}
        hint={mode === 'signup' ? 'At least 8 characters' : undefined}
      >
        <input
          id="password"
          type="password"
          value={form.password}
          onChange={set('password')}
          required
          autoComplete={mode === 'signup' ? 'new-password' : 'current-password'}
        />
      </Field>
      <button type="submit" disabled={busy}>
        {mode === 'signup' ? 'Sign up' : 'Sign in'}
      </button>
      <p>
        {mode === 'signup' ? (
          <>
            Already have an account? <Link href="/signin">Sign in</Link>
          </>
        ) : (
          <>
            New here? <Link href="/signup">Create an account</Link>
          </>
        )}
      </p>
    </form>
  );
}
