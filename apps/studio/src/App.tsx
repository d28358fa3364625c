import { useEffect } from 'react';
import { Link, navigate, usePath } from './router';
import { useSession } from './session';
import { AuthPage } from './pages/AuthPage';
import { ProjectsPage } from './pages/ProjectsPage';
import { ProjectPage } from './pages/ProjectPage';
import { JobPage } from './pages/JobPage';
import { BillingPage } from './pages/BillingPage';
import { ApiKeysPage } from './pages/ApiKeysPage';
import { WebhooksPage } from './pages/WebhooksPage';

function Header() {
  const { user, balance, signOut } = useSession();
  return (
    <header className="top">
      <Link href="/" className="brand">
        Video Mixer Pro <span>Studio</span>
      </Link>
      <nav aria-label="Main">
        <Link href="/">Projects</Link>
        <Link href="/billing">Credits</Link>
        <Link href="/api-keys">API keys</Link>
        <Link href="/webhooks">Webhooks</Link>
      </nav>
      <div className="account" aria-live="polite">
        <span className="balance" data-testid="balance">
          {balance ? `${balance.credits} credits` : '…'}
        </span>
        <span className="licence" data-testid="licence">
          {balance?.licenseType ?? ''}
          {balance?.licenseExpiry
            ? ` until ${new Date(balance.licenseExpiry).toLocaleDateString()}`
            : ''}
        </span>
        {user && <span className="who">{user.email}</span>}
        <button type="button" className="secondary" onClick={signOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}

function Page({ path }: { path: string }) {
  let m: RegExpMatchArray | null;
  if ((m = path.match(/^\/projects\/([^/]+)\/?$/))) return <ProjectPage id={m[1]} />;
  if ((m = path.match(/^\/jobs\/([^/]+)\/?$/))) return <JobPage id={m[1]} />;
  if (path === '/billing') return <BillingPage />;
  if (path === '/api-keys') return <ApiKeysPage />;
  if (path === '/webhooks') return <WebhooksPage />;
  if (path === '/' || path === '/projects') return <ProjectsPage />;
  return (
    <section>
      <h1>Not found</h1>
      <p>
        No page here. <Link href="/">Back to your projects</Link>
      </p>
    </section>
  );
}

export function App() {
  const { signedIn } = useSession();
  const path = usePath();
  const authPath = path === '/signin' || path === '/signup';

  useEffect(() => {
    if (!signedIn && !authPath) navigate('/signin');
    if (signedIn && authPath) navigate('/');
  }, [signedIn, authPath]);

  if (!signedIn || authPath)
    return (
      <main className="auth">
        <AuthPage mode={path === '/signup' ? 'signup' : 'signin'} />
      </main>
    );
  return (
    <>
      <a className="skip" href="#content">
        Skip to content
      </a>
      <Header />
      <main id="content" tabIndex={-1}>
        <Page path={path} />
      </main>
    </>
  );
}
