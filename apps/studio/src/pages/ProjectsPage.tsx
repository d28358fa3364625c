import { useEffect, useState } from 'react';
import { api, describeError, ok, type Schemas } from '../api/client';
import { Link, navigate } from '../router';
import { DEFAULT_SETTINGS, SettingsForm, type Settings } from '../components/SettingsForm';
import { ErrorMessage } from '../components/ui';

export function ProjectsPage() {
  const [projects, setProjects] = useState<Schemas['ProjectDto'][]>();
  const [error, setError] = useState<{ message: string; fields: Record<string, string> }>();
  const [creating, setCreating] = useState(false);

  useEffect(() => {
    api
      .GET('/api/v1/projects', { params: { query: { limit: 100 } } })
      .then((r) => setProjects(ok(r).items))
      .catch((e) => setError(describeError(e)));
  }, []);

  async function create(name: string, settings: Settings) {
    setError(undefined);
    try {
      const p = ok(
        await api.POST('/api/v1/projects', {
          body: { name, settings },
        }),
      );
      navigate(`/projects/${p.id}`);
    } catch (e) {
      setError(describeError(e));
    }
  }

  return (
    <section>
      <div className="title-row">
        <h1>Projects</h1>
        <button type="button" onClick={() => setCreating(!creating)} aria-expanded={creating}>
          New project
        </button>
      </div>
      <ErrorMessage message={error?.message} />
      {creating && (
        <div className="card">
          <h2>New project</h2>
          <SettingsForm
            initialName=""
            initial={DEFAULT_SETTINGS}
            errors={error?.fields ?? {}}
            submitLabel="Create project"
            onSubmit={create}
          />
        </div>
      )}
      {projects && projects.length === 0 && !creating && (
        <p className="muted">No projects yet: create one to start mixing.</p>
      )}
      <ul className="cards">
        {projects?.map((p) => (
          <li key={p.id} className="card">
            <h2>
              <Link href={`/projects/${p.id}`}>{p.name}</Link>
            </h2>
            <p className="muted">
              <span className={`status ${p.status}`}>{p.status}</span> · {p.settings.outputCount}{' '}
              videos per job ·{' '}
              {p.counts ? `${p.counts.groups} groups, ${p.counts.videos} clips` : ''}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
